#include "stats_accumulator.h"

#include "duration_text.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <tuple>
#include <utility>

namespace pollscope::trace {

// ---- MinMaxHeap (Atkinson et al. 1986): even levels are min levels, odd levels max levels.

namespace {

bool on_min_level(std::size_t i) noexcept {
    return (std::bit_width(i + 1) - 1) % 2 == 0;
}

template <bool Min> bool before(std::int64_t a, std::int64_t b) noexcept {
    return Min ? a < b : a > b;
}

} // namespace

std::size_t MinMaxHeap::max_index() const noexcept {
    if (a_.size() <= 2)
        return a_.size() - 1;
    return a_[1] >= a_[2] ? 1 : 2;
}

std::int64_t MinMaxHeap::max() const noexcept {
    return a_[max_index()];
}

void MinMaxHeap::push(std::int64_t v) {
    a_.push_back(v);
    bubble_up(a_.size() - 1);
}

std::int64_t MinMaxHeap::pop_min() {
    const std::int64_t v = a_[0];
    a_[0] = a_.back();
    a_.pop_back();
    if (!a_.empty())
        trickle_down<true>(0);
    return v;
}

std::int64_t MinMaxHeap::pop_max() {
    const std::size_t m = max_index();
    const std::int64_t v = a_[m];
    a_[m] = a_.back();
    a_.pop_back();
    if (m < a_.size())
        trickle_down<false>(m); // m is 0 (a min level) only when one element is left
    return v;
}

void MinMaxHeap::bubble_up(std::size_t i) {
    if (i == 0)
        return;
    const std::size_t p = (i - 1) / 2;
    if (on_min_level(i)) {
        if (a_[i] > a_[p]) {
            std::swap(a_[i], a_[p]);
            bubble_up_same_level<false>(p);
        } else {
            bubble_up_same_level<true>(i);
        }
    } else {
        if (a_[i] < a_[p]) {
            std::swap(a_[i], a_[p]);
            bubble_up_same_level<true>(p);
        } else {
            bubble_up_same_level<false>(i);
        }
    }
}

template <bool Min> void MinMaxHeap::bubble_up_same_level(std::size_t i) {
    while (i >= 3) {
        const std::size_t g = ((i - 1) / 2 - 1) / 2;
        if (!before<Min>(a_[i], a_[g]))
            break;
        std::swap(a_[i], a_[g]);
        i = g;
    }
}

template <bool Min> void MinMaxHeap::trickle_down(std::size_t i) {
    if constexpr (!Min) {
        if (i == 0) { // the root is a min level
            trickle_down<true>(0);
            return;
        }
    }
    const std::size_t n = a_.size();
    for (;;) {
        const std::size_t c = 2 * i + 1;
        if (c >= n)
            return;
        // The most extreme of the children and grandchildren.
        std::size_t m = c;
        const std::size_t last = std::min(n, 4 * i + 7);
        for (std::size_t j = c + 1; j < std::min(n, c + 2); ++j)
            if (before<Min>(a_[j], a_[m]))
                m = j;
        for (std::size_t j = 4 * i + 3; j < last; ++j)
            if (before<Min>(a_[j], a_[m]))
                m = j;
        if (!before<Min>(a_[m], a_[i]))
            return;
        std::swap(a_[m], a_[i]);
        if (m < 4 * i + 3)
            return; // a child: no level below it on this side
        const std::size_t p = (m - 1) / 2;
        if (before<Min>(a_[p], a_[m]))
            std::swap(a_[m], a_[p]);
        i = m;
    }
}

// ---- DurationAccumulator

namespace {

/// Nearest rank: the smallest sample with at least q of them at or below it.
std::size_t rank_of(double q, std::size_t n) noexcept {
    const auto i = static_cast<std::size_t>(q * double(n) + 0.999999);
    return std::clamp<std::size_t>(i, 1, n);
}

} // namespace

DurationSamples::DurationSamples(const DurationSamples& other)
    : sum_(other.sum_)
    , small_(other.small_)
    , segments_(other.segments_ ? std::make_unique<std::array<MinMaxHeap, 4>>(*other.segments_)
                                : nullptr) {}

DurationSamples& DurationSamples::operator=(const DurationSamples& other) {
    if (this != &other)
        *this = DurationSamples(other);
    return *this;
}

void DurationSamples::add(DurationSummary& d, std::int64_t v) {
    if (d.count == 0 || v < d.min)
        d.min = v;
    if (d.count == 0 || v > d.max)
        d.max = v;
    ++d.count;
    sum_ += v;
    ++d.buckets[duration_bucket(v)];

    if (!segments_) {
        if (small_.size() < kSmall) {
            small_.insert(std::upper_bound(small_.begin(), small_.end(), v), v);
            return;
        }
        segments_ = std::make_unique<std::array<MinMaxHeap, 4>>();
        auto& seg = *segments_;
        // Split the sorted samples at the ranks of their count.
        const std::size_t n = small_.size();
        const std::size_t ends[3] = {rank_of(0.50, n), rank_of(0.90, n), rank_of(0.99, n)};
        for (std::size_t i = 0, k = 0; i < n; ++i) {
            while (k < 3 && i >= ends[k])
                ++k;
            seg[k].push(small_[i]);
        }
        small_ = {};
    }
    auto& seg = *segments_;

    // Into the first segment whose largest sample is not below v: the
    // segments stay ordered (every sample of one <= every sample of the next).
    std::size_t k = 0;
    while (k < 3 && (seg[k].empty() || v > seg[k].max()))
        ++k;
    seg[k].push(v);

    // Then move samples across the three boundaries until the segments end at
    // the ranks of p50, p90 and p99 (each rank grows by at most 1 per sample).
    const std::size_t n = d.count;
    const std::size_t ends[3] = {rank_of(0.50, n), rank_of(0.90, n), rank_of(0.99, n)};
    std::size_t below = 0; // samples in the segments before b
    for (std::size_t b = 0; b < 3; ++b) {
        while (below + seg[b].size() > ends[b])
            seg[b + 1].push(seg[b].pop_max());
        while (below + seg[b].size() < ends[b]) {
            std::size_t j = b + 1;
            while (seg[j].empty())
                ++j;
            seg[b].push(seg[j].pop_min());
        }
        below += seg[b].size();
    }
}

std::int64_t DurationSamples::max_up_to(std::size_t segment) const noexcept {
    for (std::size_t k = segment + 1; k-- > 0;)
        if (!(*segments_)[k].empty())
            return (*segments_)[k].max();
    return 0;
}

void DurationSamples::finish(DurationSummary& d) const {
    if (d.count == 0)
        return;
    if (segments_) {
        d.p50 = max_up_to(0);
        d.p90 = max_up_to(1);
        d.p99 = max_up_to(2);
    } else {
        const std::size_t n = small_.size();
        d.p50 = small_[rank_of(0.50, n) - 1];
        d.p90 = small_[rank_of(0.90, n) - 1];
        d.p99 = small_[rank_of(0.99, n) - 1];
    }
    d.mean = static_cast<std::int64_t>(sum_ / d.count);
}

// ---- StatsAccumulator

namespace {

constexpr std::uint32_t kDenseIds = 1u << 20; // ids below index a vector (4 MB at most)

std::string task_label(const TaskStats& s) {
    std::string l = "task " + std::to_string(s.id);
    if (!s.name.empty())
        l += " (" + s.name + ")";
    return l;
}

} // namespace

bool about_its_task(EventKind k) noexcept {
    return k != EventKind::ChannelSend && k != EventKind::ChannelRecv && k != EventKind::Mark &&
           k != EventKind::Shutdown && k != EventKind::WorkerStart &&
           k != EventKind::BroadcastSubscribe && k != EventKind::BroadcastUnsubscribe &&
           k != EventKind::BroadcastLag;
}

std::int64_t StatsAccumulator::Summary::ended_at() const noexcept {
    std::int64_t t = -1;
    for (const auto x : {end_poll_ts, cancel_ts, fail_ts})
        if (x >= 0 && (t < 0 || x < t))
            t = x;
    return t;
}

StatsAccumulator::StatsAccumulator(const StatsOptions& options)
    : options_(options) {}

void StatsAccumulator::clear() {
    *this = StatsAccumulator(options_);
}

const StatsAccumulator::Work* StatsAccumulator::find(std::uint32_t id) const {
    std::uint32_t slot = 0;
    if (id < kDenseIds) {
        if (id < dense_index_.size())
            slot = dense_index_[id];
    } else if (auto it = sparse_index_.find(id); it != sparse_index_.end()) {
        slot = it->second;
    }
    return slot ? &work_[slot - 1] : nullptr;
}

StatsAccumulator::Work& StatsAccumulator::task(std::uint32_t id, std::int64_t ts) {
    std::uint32_t* slot;
    if (id < kDenseIds) {
        if (id >= dense_index_.size())
            dense_index_.resize(std::max<std::size_t>(id + 1, dense_index_.size() * 2), 0);
        slot = &dense_index_[id];
    } else {
        slot = &sparse_index_[id];
    }
    if (*slot == 0) {
        work_.emplace_back();
        auto& w = work_.back();
        w.sum.s.id = id;
        w.sum.first_ts = ts;
        *slot = static_cast<std::uint32_t>(work_.size());
    }
    auto& w = work_[*slot - 1];
    w.sum.first_ts = std::min(w.sum.first_ts, ts);
    return w;
}

void StatsAccumulator::remember_location(std::uint32_t id, const Trace& tables) {
    if (id < location_known_.size() && location_known_[id])
        return;
    if (id >= tables.locations.size())
        return; // not in these tables (yet): the message will lack the site
    if (id >= location_known_.size()) {
        location_known_.resize(id + 1, false);
        location_text_.resize(id + 1);
    }
    location_text_[id] = tables.location_text(id);
    location_known_[id] = true;
}

StatsAccumulator::PollFacts StatsAccumulator::bar_facts(const TimelineModel& model,
                                                        std::uint32_t index) {
    const PollBar& b = model.polls()[index];
    PollFacts p;
    p.start = b.start;
    p.end = b.end;
    p.index = index;
    p.task = b.task;
    p.site = b.site;
    p.thread = b.thread;
    p.outcome = b.outcome;
    return p;
}

StatsAccumulator::PollFacts StatsAccumulator::facts(const TimelineModel& model,
                                                    std::uint32_t index) const {
    PollFacts p = bar_facts(model, index);
    const PollBar& b = model.polls()[index];
    const std::uint32_t prev = model.previous_poll(index);
    if (prev == kNoIndex) {
        // The first poll: scheduled since the task's first event (its spawn).
        const Work* w = find(b.task);
        p.scheduled = std::max<std::int64_t>(0, b.start - (w ? w->sum.first_ts : b.start));
        return p;
    }
    const PollBar& q = model.polls()[prev];
    if (q.open())
        return p; // it overlaps the previous poll: no stretch between them
    // The model's stretches (waits_before), a scheduled one of zero length
    // included: every poll after a wake (or a yield) is a latency sample.
    const std::int64_t from = std::max(model.ready_at(index), q.end);
    if (b.start < from)
        return p;
    if (q.outcome == Outcome::Pending)
        p.waiting = from - q.end;
    p.scheduled = b.start - from;
    return p;
}

void StatsAccumulator::count_start(Summary& sum, DurationSamples& scheduled,
                                   const PollFacts& p) const {
    auto& s = sum.s;
    ++s.polls;
    if (p.thread >= 64 || !(sum.thread_mask & (std::uint64_t{1} << p.thread))) {
        if (p.thread < 64)
            sum.thread_mask |= std::uint64_t{1} << p.thread;
        const auto at = std::lower_bound(s.threads.begin(), s.threads.end(), p.thread);
        if (at == s.threads.end() || *at != p.thread)
            s.threads.insert(at, p.thread);
    }
    s.idle_ns += p.waiting;
    if (p.scheduled >= 0) {
        s.scheduled_ns += p.scheduled;
        scheduled.add(s.scheduled_times, p.scheduled);
    }
    if (!sum.has_latest ||
        std::tie(p.start, p.index) > std::tie(sum.latest.start, sum.latest.index)) {
        sum.latest = p;
        sum.latest.end = -1; // its end counts in count_end()
        sum.has_latest = true;
    }
}

void StatsAccumulator::count_end(Summary& sum, DurationSamples& polls, const PollFacts& p,
                                 std::vector<LongPoll>& long_polls) const {
    auto& s = sum.s;
    const auto d = p.end - p.start;
    s.busy_ns += d;
    polls.add(s.poll_times, d);
    if (d > options_.long_poll_ns) {
        s.warnings |= 1u << unsigned(WarningKind::LongPoll);
        long_polls.push_back({p.start, d, s.id, p.index});
    }
    if (sum.latest.index == p.index)
        sum.latest = p;
    if (p.outcome == Outcome::Pending) {
        ++s.pending_polls;
        if (p.site && std::tie(p.end, p.index) >= std::tie(sum.pending_end, sum.pending_index)) {
            sum.pending_end = p.end;
            sum.pending_index = p.index;
            s.last_await_site = p.site;
        }
    } else if (sum.end_poll_ts < 0 || p.end < sum.end_poll_ts) {
        sum.end_poll_ts = p.end;
    }
    if (p.outcome == Outcome::Failed)
        sum.end_poll_failed = true;
}

void StatsAccumulator::refresh_woken(const TimelineModel& model, Work& w) {
    // The wakes no poll has taken yet (the model links each to the poll it
    // caused) are the last ones of the task: it was woken after (or while)
    // its latest poll ran.
    w.sum.woken_at = -1;
    if (w.sum.ended_at() >= 0)
        return;
    const int li = model.task_lane(w.sum.s.id);
    if (li < 0)
        return;
    const Lane& lane = model.task_lanes()[std::size_t(li)];
    if (lane.unlinked_wakes == 0)
        return;
    for (std::size_t k = lane.wakes.size(); k-- > 0 && lane.wakes[k].caused == kNoIndex;)
        w.sum.woken_at = lane.wakes[k].ts;
}

void StatsAccumulator::add(const TimelineModel& model, std::span<const Event> batch,
                           const std::stop_token& stop) {
    const Trace& tables = model.trace();
    if (!batch.empty()) {
        if (events_ == 0)
            first_ts_ = batch.front().ts;
        first_ts_ = std::min(first_ts_, batch.front().ts);
        last_ts_ = events_ == 0 ? batch.back().ts : std::max(last_ts_, batch.back().ts);
        events_ += batch.size();
    }
    ++adds_;
    touched_.clear();
    for (const Event& e : batch) {
        if (e.task == 0 || !about_its_task(e.kind))
            continue; // marks or shutdown from plain threads
        Work& w = task(e.task, e.ts);
        if (w.touched != adds_) {
            w.touched = adds_;
            touched_.push_back(&w);
        }
        auto& s = w.sum.s;
        switch (e.kind) {
        case EventKind::Spawn:
            s.parent = e.arg;
            s.spawn_location = e.arg2;
            break;
        case EventKind::TaskName:
            s.name = std::string(tables.string(e.arg));
            break;
        case EventKind::Wake:
            ++s.wakes;
            if (e.arg == e.task)
                ++s.self_wakes;
            break;
        case EventKind::Cancel:
            if (w.sum.cancel_ts < 0 || e.ts < w.sum.cancel_ts)
                w.sum.cancel_ts = e.ts;
            break;
        case EventKind::Fail:
            if (w.sum.fail_ts < 0 || e.ts < w.sum.fail_ts)
                w.sum.fail_ts = e.ts;
            break;
        case EventKind::Yield:
            ++s.yields;
            break;
        default:
            break; // polls: the model's records, below
        }
    }

    // The model's polls. Before the last instant seen, nothing can change
    // the stretch before a poll (the events are in time order): it counts
    // then, and its end once it is closed.
    const auto& polls = model.polls();
    for (auto i = next_poll_; i < polls.size(); ++i)
        if (polls[i].task != 0)
            waiting_polls_.push_back({std::uint32_t(i), false});
    next_poll_ = std::max<std::size_t>(next_poll_, polls.size());
    const std::int64_t settled = last_ts_; // every event before it has come
    tail_.clear();
    std::size_t kept = 0;
    for (auto pw : waiting_polls_) {
        // A whole file's polls take seconds: a caller that no longer wants
        // them can stop here (the accumulator is then only fit for clear()).
        if ((kept & 0xfff) == 0 && stop.stop_requested())
            return;
        if (pw.index >= polls.size())
            continue; // the model was cleared: clear() follows
        const PollBar& b = polls[pw.index];
        Work* w = nullptr;
        if (!pw.started && b.start < settled) {
            w = &task(b.task, b.start);
            count_start(w->sum, w->scheduled, facts(model, pw.index));
            pw.started = true;
        }
        if (!b.open()) {
            if (b.outcome == Outcome::Pending && b.site)
                remember_location(b.site, tables);
            if (pw.started) {
                if (!w)
                    w = &task(b.task, b.start);
                count_end(w->sum, w->polls, bar_facts(model, pw.index), long_polls_);
                continue;
            }
        }
        if (!pw.started)
            tail_.push_back(facts(model, pw.index)); // counted by snapshot() only
        waiting_polls_[kept++] = pw;
    }
    waiting_polls_.resize(kept);
    std::sort(tail_.begin(), tail_.end(), [](const PollFacts& a, const PollFacts& b) {
        return std::tie(a.task, a.index) < std::tie(b.task, b.index);
    });
    for (Work* w : touched_)
        refresh_woken(model, *w);
}

TraceStats StatsAccumulator::snapshot(std::int64_t end_ts) const {
    TraceStats out;
    out.events = events_;
    out.start_ts = events_ ? first_ts_ : 0;
    if (end_ts < 0)
        end_ts = options_.end_ts;
    out.end_ts = end_ts >= 0 ? end_ts : events_ ? last_ts_ : 0;
    const std::int64_t end = out.end_ts;

    std::vector<LongPoll> long_polls = long_polls_;
    // By id without moving TaskStats around: ids usually come in ascending order.
    std::vector<std::pair<std::uint32_t, const Work*>> order;
    order.reserve(work_.size());
    for (const auto& w : work_)
        order.emplace_back(w.sum.s.id, &w);
    if (!std::is_sorted(order.begin(), order.end()))
        std::sort(order.begin(), order.end());
    out.tasks.reserve(order.size());
    for (const auto& [id, work] : order) {
        const Work& w = *work;
        Summary sum = w.sum;
        DurationSummary poll_times, scheduled_times;
        // The polls at the last instant: counted here, on copies.
        auto t = std::lower_bound(tail_.begin(), tail_.end(), id,
                                  [](const PollFacts& p, std::uint32_t x) { return p.task < x; });
        if (t != tail_.end() && t->task == id) {
            DurationSamples polls = w.polls, scheduled = w.scheduled;
            for (; t != tail_.end() && t->task == id; ++t) {
                count_start(sum, scheduled, *t);
                if (!t->open())
                    count_end(sum, polls, *t, long_polls);
            }
            poll_times = sum.s.poll_times;
            scheduled_times = sum.s.scheduled_times;
            polls.finish(poll_times);
            scheduled.finish(scheduled_times);
        } else {
            poll_times = sum.s.poll_times;
            scheduled_times = sum.s.scheduled_times;
            w.polls.finish(poll_times);
            w.scheduled.finish(scheduled_times);
        }
        TaskStats s = std::move(sum.s);
        s.poll_times = poll_times;
        s.scheduled_times = scheduled_times;
        s.spawned_at = sum.first_ts;
        s.ended_at = sum.ended_at();
        // After the latest poll, up to the task's end or the observation's:
        // the state it is in, and that stretch (an unfinished wait is no sample).
        const std::int64_t stop = s.ended_at >= 0 ? s.ended_at : end;
        const auto& last = sum.latest;
        TaskState state = TaskState::Scheduled;
        if (!sum.has_latest) {
            s.scheduled_ns += std::max<std::int64_t>(0, stop - s.spawned_at);
        } else if (last.open()) {
            state = TaskState::Running;
            s.busy_ns += std::max<std::int64_t>(0, stop - last.start);
        } else if (sum.woken_at >= 0) {
            const std::int64_t ready = std::max(sum.woken_at, last.end);
            s.idle_ns += std::max<std::int64_t>(0, std::min(ready, stop) - last.end);
            s.scheduled_ns += std::max<std::int64_t>(0, stop - ready);
        } else {
            state = TaskState::Idle;
            s.idle_ns += std::max<std::int64_t>(0, stop - last.end);
        }
        if (s.ended_at >= 0)
            state = sum.fail_ts >= 0 || sum.end_poll_failed ? TaskState::Failed
                    : sum.end_poll_ts == s.ended_at         ? TaskState::Done
                                                            : TaskState::Cancelled;
        s.state = state;
        s.total_ns = (s.ended_at >= 0 ? s.ended_at : std::max(end, s.spawned_at)) - s.spawned_at;

        if (s.pending_polls == 0 && s.busy_ns > options_.long_poll_ns) {
            s.warnings |= 1u << unsigned(WarningKind::NeverYielded);
            out.warnings.push_back({WarningKind::NeverYielded, s.id, s.spawned_at, s.busy_ns,
                                    task_label(s) + ": busy " + duration_text(s.busy_ns) +
                                        " without returning Pending"});
        }
        if (s.wakes >= options_.min_wakes && s.wakes > 0 &&
            double(s.self_wakes) > options_.self_wake_ratio * double(s.wakes)) {
            const auto pct = static_cast<std::int64_t>(100 * s.self_wakes / s.wakes);
            s.warnings |= 1u << unsigned(WarningKind::SelfWakes);
            out.warnings.push_back({WarningKind::SelfWakes, s.id, end, pct,
                                    task_label(s) + ": woke itself in " + std::to_string(pct) +
                                        "% of " + std::to_string(s.wakes) + " wakes"});
        }
        if (s.state == TaskState::Idle) {
            const auto idle = end - last.end;
            s.warnings |= 1u << unsigned(WarningKind::LostWaker);
            const std::string& site =
                s.last_await_site < location_known_.size() && location_known_[s.last_await_site]
                    ? location_text_[s.last_await_site]
                    : std::string();
            out.warnings.push_back(
                {WarningKind::LostWaker, s.id, end, idle,
                 task_label(s) + ": Pending" + (site.empty() ? "" : " at " + site) +
                     " and not woken for " + duration_text(idle) + " (lost waker?)"});
        }
        out.tasks.push_back(std::move(s));
    }
    // LongPoll warnings in poll order (they are counted as polls close),
    // named as their task is now.
    std::sort(long_polls.begin(), long_polls.end(),
              [](const LongPoll& a, const LongPoll& b) { return a.index < b.index; });
    for (const auto& lp : long_polls) {
        auto t = std::lower_bound(out.tasks.begin(), out.tasks.end(), lp.task,
                                  [](const TaskStats& s, std::uint32_t id) { return s.id < id; });
        out.warnings.push_back({WarningKind::LongPoll, lp.task, lp.ts, lp.value,
                                task_label(*t) + ": poll ran " + duration_text(lp.value)});
    }
    std::stable_sort(out.warnings.begin(), out.warnings.end(),
                     [](const Warning& a, const Warning& b) {
                         return std::tie(a.ts, a.task, a.kind) < std::tie(b.ts, b.task, b.kind);
                     });
    return out;
}

} // namespace pollscope::trace
