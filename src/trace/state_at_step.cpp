#include "state_at_step.h"

#include "stats_accumulator.h"
#include "step_axis.h"

#include <algorithm>

namespace pollscope::trace {

StateAtStep::StateAtStep(const TimelineModel& model)
    : model_(&model)
    , events_(model.trace().events.size()) {
    const auto& events = model.trace().events;
    const auto& lanes = model.task_lanes();
    // Two passes: each task's share of the entries, then the entries.
    std::vector<int> lane_of(events.size(), -1);
    offset_.assign(lanes.size() + 1, 0);
    for (std::size_t i = 0; i < events.size(); ++i) {
        const Event& e = events[i];
        if (!takes_a_step(e.kind))
            no_step_.push_back(std::uint32_t(i));
        if (e.task == 0 || !about_its_task(e.kind))
            continue;
        const int li = model.task_lane(e.task);
        if (li < 0)
            continue;
        lane_of[i] = li;
        ++offset_[std::size_t(li) + 1];
    }
    for (std::size_t l = 0; l < lanes.size(); ++l)
        offset_[l + 1] += offset_[l];
    entries_.resize(offset_.back());
    ends_.assign(lanes.size(), Ends{});
    poll_started_.assign(model.polls().size(), kNone);
    std::vector<std::uint32_t> fill(offset_.begin(), offset_.end() - 1);
    std::vector<Entry> running(lanes.size()); // each task's counts so far
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (lane_of[i] < 0)
            continue;
        const auto li = std::size_t(lane_of[i]);
        const Event& e = events[i];
        Entry& r = running[li];
        Ends& end = ends_[li];
        const auto ev = std::uint32_t(i);
        switch (e.kind) {
        case EventKind::PollStart:
            // A task's polls are its lane's, in the order they started.
            if (r.polls < lanes[li].polls.size())
                poll_started_[lanes[li].polls[r.polls]] = ev;
            ++r.polls;
            r.open = true;
            break;
        case EventKind::PollEnd:
            r.open = false;
            if (e.outcome() != Outcome::Pending && end.ready_end == kNone)
                end.ready_end = ev;
            if (e.outcome() == Outcome::Failed && end.failed_end == kNone)
                end.failed_end = ev;
            break;
        case EventKind::Wake:
            ++r.wakes;
            if (e.arg == e.task)
                ++r.self_wakes;
            break;
        case EventKind::Cancel:
            if (end.cancel == kNone)
                end.cancel = ev;
            break;
        case EventKind::Fail:
            if (end.fail == kNone)
                end.fail = ev;
            break;
        default:
            break;
        }
        r.event = ev;
        entries_[fill[li]++] = r;
    }
}

std::size_t StateAtStep::step_of(std::size_t c) const {
    c = std::min(c, events_);
    const auto skipped = std::lower_bound(no_step_.begin(), no_step_.end(), c) - no_step_.begin();
    return c - std::size_t(skipped);
}

std::size_t StateAtStep::cursor_of_step(std::size_t s) const {
    if (s == 0)
        return 0;
    if (s >= steps())
        return events_;
    // The s-th transition (0-based): the first event with s + 1 transitions
    // up to and including it. Transitions up to c grow by one at each.
    std::size_t lo = 0, hi = events_;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (step_of(mid + 1) >= s + 1)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

std::size_t StateAtStep::previous(std::size_t c) const {
    const std::size_t s = step_of(c);
    return cursor_of_step(s == 0 ? 0 : s - 1);
}

std::size_t StateAtStep::next(std::size_t c) const {
    return cursor_of_step(step_of(c) + 1);
}

std::size_t StateAtStep::cursor_at_time(const Trace& drawn, std::int64_t ts) const {
    const auto& ev = drawn.events;
    const auto it = std::upper_bound(ev.begin(), ev.end(), ts,
                                     [](std::int64_t t, const Event& e) { return t < e.ts; });
    return snap(std::min(std::size_t(it - ev.begin()), events_));
}

TaskAtStep StateAtStep::task_at(std::uint32_t task, std::size_t c) const {
    TaskAtStep out;
    if (!model_ || task == 0)
        return out;
    const int li = model_->task_lane(task);
    if (li < 0 || std::size_t(li) + 1 >= offset_.size())
        return out;
    const auto l = std::size_t(li);
    const auto first = entries_.begin() + offset_[l];
    const auto last = entries_.begin() + offset_[l + 1];
    const auto it =
        std::lower_bound(first, last, c, [](const Entry& e, std::size_t x) { return e.event < x; });
    if (it == first)
        return out;
    const Entry& e = *(it - 1);
    out.seen = true;
    out.polls = e.polls;
    out.wakes = e.wakes;
    out.self_wakes = e.self_wakes;
    // Ended as the statistics decide it: at the earliest of its first
    // Ready/Failed poll end, cancel and fail seen by then.
    const Ends& end = ends_[l];
    const auto& ev = model_->trace().events;
    const auto seen = [c](std::uint32_t i) { return i != kNone && i < c; };
    std::int64_t ended_at = -1;
    for (const auto i : {end.ready_end, end.cancel, end.fail})
        if (seen(i) && (ended_at < 0 || ev[i].ts < ended_at))
            ended_at = ev[i].ts;
    if (ended_at >= 0) {
        out.state = seen(end.fail) || seen(end.failed_end) ? TaskState::Failed
                    : seen(end.ready_end) && ev[end.ready_end].ts == ended_at
                        ? TaskState::Done
                        : TaskState::Cancelled;
        return out;
    }
    if (e.polls == 0) {
        out.state = TaskState::Scheduled; // spawned, never polled yet
        return out;
    }
    if (e.open) {
        out.state = TaskState::Running;
        return out;
    }
    // Its latest poll returned Pending: scheduled again if its latest wake
    // caused no poll that had started by then (the model's link), else idle.
    const Lane& lane = model_->task_lanes()[l];
    if (e.wakes > 0 && e.wakes <= lane.wakes.size()) {
        const WakeRec& w = lane.wakes[e.wakes - 1];
        if (w.caused == kNoIndex || w.caused >= poll_started_.size() ||
            poll_started_[w.caused] >= c) {
            out.state = TaskState::Scheduled;
            return out;
        }
    }
    out.state = TaskState::Idle;
    if (e.polls <= lane.polls.size())
        out.waiting_poll = lane.polls[e.polls - 1];
    return out;
}

std::vector<std::uint32_t> StateAtStep::tasks_between(std::size_t a, std::size_t b) const {
    std::vector<std::uint32_t> out;
    if (!model_)
        return out;
    const auto& ev = model_->trace().events;
    const std::size_t lo = std::min({a, b, events_}), hi = std::min(std::max(a, b), events_);
    for (std::size_t i = lo; i < hi; ++i)
        if (ev[i].task != 0 && about_its_task(ev[i].kind))
            out.push_back(ev[i].task);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace pollscope::trace
