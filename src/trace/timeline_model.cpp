#include "timeline_model.h"

#include "resource_text.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace pollscope::trace {

namespace {
template <class T> void insert_by_ts(std::vector<T>& v, T value) {
    if (v.empty() || v.back().ts <= value.ts) {
        v.push_back(std::move(value));
        return;
    }
    auto it = std::upper_bound(v.begin(), v.end(), value.ts,
                               [](std::int64_t ts, const T& x) { return ts < x.ts; });
    v.insert(it, std::move(value));
}

/// First element of v (sorted by ts) with ts >= t, searched from the back:
/// O(log distance from the end), for the recent times that appends look up
/// (a binary search over 10M wakes touched ~23 cold cache lines each time).
template <class T> auto lower_bound_from_back(std::vector<T>& v, std::int64_t t) {
    std::size_t hi = v.size(), step = 1;
    while (hi > 0 && v[hi - 1].ts >= t) {
        const std::size_t lo = hi > step ? hi - step : 0;
        if (v[lo].ts < t)
            return std::lower_bound(v.begin() + std::ptrdiff_t(lo) + 1,
                                    v.begin() + std::ptrdiff_t(hi), t,
                                    [](const T& x, std::int64_t ts) { return x.ts < ts; });
        hi = lo;
        step *= 2;
    }
    return v.begin() + std::ptrdiff_t(hi);
}
} // namespace

void TimelineModel::clear() {
    *this = TimelineModel();
}

void TimelineModel::merge_tables(const Trace& tables) {
    // Tables only grow; a drain delivers the entries new since the last one.
    auto grow = [](auto& mine, const auto& theirs) {
        if (theirs.size() > mine.size())
            mine.insert(mine.end(), theirs.begin() + std::ptrdiff_t(mine.size()), theirs.end());
    };
    grow(trace_.strings, tables.strings);
    grow(trace_.locations, tables.locations);
    const auto threads = trace_.threads.size();
    grow(trace_.threads, tables.threads);
    if (trace_.threads.size() != threads)
        sort_thread_lanes();
    trace_.virtual_time = tables.virtual_time;
    trace_.dropped = std::max(trace_.dropped, tables.dropped);
    ++generation_;
}

void TimelineModel::apply(TraceDelta d, Lod lod) {
    if (apply_tables(trace_, d))
        sort_thread_lanes();
    ++generation_;
    append(std::move(d.events), lod);
}

void TimelineModel::append(std::vector<Event> batch, Lod lod) {
    if (batch.empty()) {
        if (lod == Lod::Settle) // what a deferred append left
            settle_lods();
        return;
    }
    if (!std::is_sorted(batch.begin(), batch.end(),
                        [](const Event& a, const Event& b) { return a.ts < b.ts; }))
        sort_events(batch);
    auto& ev = trace_.events;
    reserve_ahead(batch.size());
    const bool was_empty = ev.empty();
    const auto mid = ev.size();
    ev.insert(ev.end(), batch.begin(), batch.end());
    std::size_t from = mid;
    if (!was_empty && batch.front().ts < ev[mid - 1].ts) {
        from = std::size_t(
            std::upper_bound(ev.begin(), ev.begin() + std::ptrdiff_t(mid), batch.front().ts,
                             [](std::int64_t t, const Event& e) { return t < e.ts; }) -
            ev.begin());
        // Only the tail from the first event the batch precedes moves (a
        // drain's events are at most a few microseconds late), not the trace.
        std::inplace_merge(ev.begin() + std::ptrdiff_t(from), ev.begin() + std::ptrdiff_t(mid),
                           ev.end(), [](const Event& a, const Event& b) { return a.ts < b.ts; });
    }
    changed_from_ = std::min(changed_from_, from);
    if (was_empty)
        start_ = batch.front().ts;
    start_ = std::min(start_, batch.front().ts);
    end_ = std::max(end_, batch.back().ts);
    for (const auto& e : batch)
        index(e);
    if (lod == Lod::Settle)
        settle_lods();
    ++generation_;
}

namespace {
/// Capacity for `more` ahead in a growing array: doubling, and at least
/// `floor` (untouched capacity is only address space until it is written).
template <class V> void grow(V& v, std::size_t more, std::size_t floor) {
    const std::size_t need = v.size() + more;
    if (v.capacity() < need)
        v.reserve(std::max({need, v.capacity() * 2, floor}));
}
} // namespace

void TimelineModel::reserve_ahead(std::size_t more) {
    // A live run grows these arrays by a drain at a time.
    grow(trace_.events, more, kLiveReserve);
    grow(polls_, more / 2 + 1, kLiveReserve / 2);
    grow(wakes_, more / 2 + 1, kLiveReserve / 4);
    grow(markers_, more / 2 + 1, kLiveReserve / 4);
    grow(poll_waits_, more / 2 + 1, kLiveReserve / 2);
}

void TimelineModel::load(Trace t) {
    clear();
    auto events = std::move(t.events);
    t.events.clear();
    trace_ = std::move(t);
    sort_events(events);
    if (!events.empty()) {
        start_ = events.front().ts;
        end_ = events.back().ts;
    }
    // One counting pass sizes every array once (10M events: no regrowth).
    std::array<std::size_t, kEventKindCount> kinds{};
    for (const auto& e : events)
        if (std::size_t(e.kind) < kinds.size())
            ++kinds[std::size_t(e.kind)];
    const auto n = [&](EventKind k) { return kinds[std::size_t(k)]; };
    polls_.reserve(n(EventKind::PollStart));
    wakes_.reserve(n(EventKind::Wake));
    markers_.reserve(n(EventKind::Spawn) + n(EventKind::Cancel) + n(EventKind::Fail) +
                     n(EventKind::Yield) + n(EventKind::Shutdown) + n(EventKind::Mark));
    poll_waits_.reserve(n(EventKind::PollStart));
    for (const auto& e : events)
        index(e);
    settle_lods();
    trace_.events = std::move(events);
    changed_from_ = 0;
    ++generation_;
}

int TimelineModel::task_lane(std::uint32_t task) const {
    if (task < kFlatTasks)
        return task < task_lane_flat_.size() ? task_lane_flat_[task] : -1;
    auto it = task_lane_of_.find(task);
    return it == task_lane_of_.end() ? -1 : it->second;
}

std::pair<std::int64_t, std::uint16_t> TimelineModel::thread_order(std::uint16_t thread) const {
    const std::int64_t worker = thread < trace_.threads.size() ? trace_.threads[thread].worker : -1;
    return {worker >= 0 ? worker : std::int64_t(1) << 40, thread};
}

void TimelineModel::sort_thread_lanes() {
    // A lane made before its thread's table entry arrived sits by thread index.
    std::stable_sort(
        thread_lanes_.begin(), thread_lanes_.end(), [this](const Lane& a, const Lane& b) {
            return thread_order(std::uint16_t(a.key)) < thread_order(std::uint16_t(b.key));
        });
}

int TimelineModel::thread_lane(std::uint16_t thread) const {
    for (std::size_t i = 0; i < thread_lanes_.size(); ++i)
        if (thread_lanes_[i].key == thread)
            return int(i);
    return -1;
}

Lane& TimelineModel::task_lane_for(std::uint32_t task, std::int64_t ts) {
    int* slot;
    if (task < kFlatTasks) {
        if (task >= task_lane_flat_.size())
            task_lane_flat_.resize(std::max<std::size_t>(task + 1, task_lane_flat_.size() * 2), -1);
        slot = &task_lane_flat_[task];
    } else {
        slot = &task_lane_of_.try_emplace(task, -1).first->second;
    }
    if (*slot < 0) {
        *slot = int(task_lanes_.size());
        Lane l;
        l.key = task;
        l.first = ts;
        task_lanes_.push_back(std::move(l));
    }
    return task_lanes_[std::size_t(*slot)];
}

Lane& TimelineModel::thread_lane_for(std::uint16_t thread) {
    for (auto& l : thread_lanes_)
        if (l.key == thread)
            return l;
    Lane l;
    l.key = thread;
    // Workers first, by worker index (threads register in whatever order
    // they start), then the other threads by thread index.
    auto it = std::lower_bound(thread_lanes_.begin(), thread_lanes_.end(), thread,
                               [this](const Lane& a, std::uint16_t t) {
                                   return thread_order(std::uint16_t(a.key)) < thread_order(t);
                               });
    return *thread_lanes_.insert(it, std::move(l));
}

void TimelineModel::insert_poll(std::vector<std::uint32_t>& v, std::uint32_t idx) {
    const auto ts = polls_[idx].start;
    if (v.empty() || polls_[v.back()].start <= ts) {
        v.push_back(idx);
        return;
    }
    auto it = std::upper_bound(v.begin(), v.end(), ts, [this](std::int64_t t, std::uint32_t i) {
        return t < polls_[i].start;
    });
    v.insert(it, idx);
}

void TimelineModel::lod_add(Lane& lane, std::uint32_t lane_id, const PollBar& bar) {
    if (lane.lod.level_count() == 0) {
        if (lane.polls.size() < kLodMinPolls)
            return;
        // Big enough now: build from every closed poll so far (this one too).
        for (const auto i : lane.polls)
            if (!polls_[i].open())
                lane.lod.add(polls_[i].start, polls_[i].end, polls_[i].outcome);
        lod_dirty_.push_back(lane_id);
        return;
    }
    if (lane.lod.add(bar.start, bar.end, bar.outcome))
        lod_dirty_.push_back(lane_id);
}

void TimelineModel::settle_lods() {
    for (const auto id : lod_dirty_) {
        if (id & kThreadLaneBit) {
            const int l = thread_lane(std::uint16_t(id & ~kThreadLaneBit));
            if (l >= 0)
                thread_lanes_[std::size_t(l)].lod.settle();
        } else if (id < task_lanes_.size()) {
            task_lanes_[id].lod.settle();
        }
    }
    lod_dirty_.clear();
}

void TimelineModel::index(const Event& e) {
    switch (e.kind) {
    case EventKind::Spawn: {
        auto& l = task_lane_for(e.task, e.ts);
        l.first = l.spawned ? std::min(l.first, e.ts) : e.ts;
        l.spawned = true;
        l.parent = e.arg;
        l.spawn_site = e.arg2;
        insert_by_ts(markers_, Marker{e.ts, e.task, e.arg2, e.thread, MarkerKind::Spawn});
        break;
    }
    case EventKind::TaskName:
        task_lane_for(e.task, e.ts).name = e.arg;
        break;
    case EventKind::PollStart:
        on_poll_start(e);
        break;
    case EventKind::PollEnd:
        on_poll_end(e);
        break;
    case EventKind::Wake:
        on_wake(e);
        break;
    case EventKind::Cancel:
    case EventKind::Fail: {
        auto& l = task_lane_for(e.task, e.ts);
        l.last = std::max(l.last, e.ts);
        const Marker m{e.ts, e.task, e.kind == EventKind::Fail ? e.arg : 0, e.thread,
                       e.kind == EventKind::Fail ? MarkerKind::Fail : MarkerKind::Cancel};
        insert_by_ts(markers_, m);
        insert_by_ts(rare_markers_, m);
        break;
    }
    case EventKind::Yield:
        insert_by_ts(markers_, Marker{e.ts, e.task, 0, e.thread, MarkerKind::Yield});
        break;
    case EventKind::Shutdown:
        insert_by_ts(markers_, Marker{e.ts, e.task, 0, e.thread, MarkerKind::Shutdown});
        insert_by_ts(rare_markers_, Marker{e.ts, e.task, 0, e.thread, MarkerKind::Shutdown});
        break;
    case EventKind::Mark:
        insert_by_ts(markers_, Marker{e.ts, e.task, e.arg, e.thread, MarkerKind::Mark});
        insert_by_ts(rare_markers_, Marker{e.ts, e.task, e.arg, e.thread, MarkerKind::Mark});
        break;
    case EventKind::WorkerStart:
        thread_lane_for(e.thread);
        break;
    case EventKind::ChannelSend:
    case EventKind::ChannelRecv:
    case EventKind::BroadcastSubscribe:
    case EventKind::BroadcastUnsubscribe:
    case EventKind::BroadcastLag:
        resource_lanes_.add(e);
        break;
    case EventKind::Resource:
        // Described once per recorder; a repeat (another recorder, a race) keeps the first.
        resources_.try_emplace(e.arg, ResourceInfo{e.ts, e.arg2, e.flag});
        break;
    case EventKind::Enqueue:
    case EventKind::Steal:
        break; // the queues panel's (queue_state.h)
    }
}

void TimelineModel::on_poll_start(const Event& e) {
    const auto idx = std::uint32_t(polls_.size());
    auto& tl = task_lane_for(e.task, e.ts);
    PollBar b;
    b.start = e.ts;
    b.task = e.task;
    b.thread = e.thread;
    b.number = ++tl.poll_count;
    polls_.push_back(b);
    poll_waits_.push_back(0);
    const bool in_order = tl.polls.empty() || polls_[tl.polls.back()].start <= e.ts;
    insert_poll(tl.polls, idx);
    insert_poll(thread_lane_for(e.thread).polls, idx);
    if (e.thread >= open_polls_.size())
        open_polls_.resize(std::size_t(e.thread) + 1);
    open_polls_[e.thread].push_back(idx);
    std::uint32_t next = kNoIndex;
    if (!in_order) {
        // Another thread's later poll of this task came first: renumber from
        // here, and take over the wakes up to now that were linked to it.
        auto it = std::upper_bound(
            tl.polls.begin(), tl.polls.end(), e.ts,
            [this](std::int64_t t, std::uint32_t i) { return t < polls_[i].start; });
        auto self = std::find(tl.polls.begin(), it, idx);
        std::uint32_t n = self == tl.polls.begin() ? 1 : polls_[*(self - 1)].number + 1;
        for (auto q = self; q != tl.polls.end(); ++q)
            polls_[*q].number = n++;
        if (self + 1 != tl.polls.end())
            next = *(self + 1);
    }
    // The wakes waiting for this poll: the task's unlinked ones up to now
    // (and, out of order, those the next poll had taken).
    for (std::size_t k = tl.wakes.size(); k-- > 0;) {
        const WakeRec w = tl.wakes[k];
        if (w.ts > e.ts)
            continue;
        if (w.caused == kNoIndex && tl.unlinked_wakes > 0) {
            --tl.unlinked_wakes;
            link(tl, w, idx);
        } else if (next != kNoIndex && w.caused == next) {
            link(tl, w, idx, next);
        } else if (tl.unlinked_wakes == 0 && next == kNoIndex) {
            break;
        } else if (w.caused != kNoIndex && w.caused != next) {
            break; // linked to an earlier poll: nothing before it is ours
        }
    }
}

void TimelineModel::link(Lane& lane, const WakeRec& w, std::uint32_t p, std::uint32_t from) {
    auto same = [&](const WakeRec& x) {
        return x.ts == w.ts && x.woken == w.woken && x.waker == w.waker && x.thread == w.thread &&
               x.source == w.source && x.caused == from;
    };
    auto set_in = [&](std::vector<WakeRec>& v) {
        auto it = lower_bound_from_back(v, w.ts);
        for (; it != v.end() && it->ts == w.ts; ++it)
            if (same(*it)) {
                it->caused = p;
                return;
            }
    };
    set_in(lane.wakes);
    set_in(wakes_);
    polls_[p].woken = true;
}

void TimelineModel::on_poll_end(const Event& e) {
    if (e.thread >= open_polls_.size())
        return;
    auto& stack = open_polls_[e.thread];
    auto it = std::find_if(stack.rbegin(), stack.rend(),
                           [&](std::uint32_t i) { return polls_[i].task == e.task; });
    if (it == stack.rend())
        return; // its PollStart was not recorded (a ring dropped it)
    const std::uint32_t idx = *it;
    stack.erase(std::next(it).base());
    auto& b = polls_[idx];
    b.end = std::max(e.ts, b.start);
    b.outcome = e.outcome();
    b.site = e.arg;
    poll_waits_[idx] = b.outcome == Outcome::Pending ? e.arg2 : 0;
    const int li = task_lane(e.task);
    auto& l = task_lanes_[std::size_t(li)];
    if (b.outcome != Outcome::Pending)
        l.last = std::max(l.last, e.ts);
    lod_add(l, std::uint32_t(li), b);
    lod_add(thread_lane_for(b.thread), kThreadLaneBit | b.thread, b);
}

void TimelineModel::on_wake(const Event& e) {
    WakeRec w{e.ts, e.task, e.arg, kNoIndex, e.thread, static_cast<WakeSource>(e.flag)};
    auto& lane = task_lane_for(e.task, e.ts);
    // A wake that arrives after the poll it caused (another thread's events
    // came first): the first poll of the task starting after it. At the same
    // instant (virtual time) a poll on another thread that no wake has made
    // runnable yet, after a Pending, is the one it caused; a wake on the
    // poll's own thread at its start came from inside it.
    const auto& v = lane.polls;
    auto pit = std::lower_bound(v.begin(), v.end(), e.ts, [this](std::uint32_t i, std::int64_t t) {
        return polls_[i].start < t;
    });
    std::uint32_t target = kNoIndex;
    for (; pit != v.end(); ++pit) {
        const auto& b = polls_[*pit];
        if (b.start > e.ts || (b.thread != e.thread && !b.woken && b.number > 1)) {
            target = *pit;
            break;
        }
    }
    insert_by_ts(wakes_, w);
    insert_by_ts(lane.wakes, w);
    if (target == kNoIndex)
        ++lane.unlinked_wakes;
    else
        link(lane, w, target);
}

std::uint32_t TimelineModel::task_name(std::uint32_t task) const {
    const int li = task_lane(task);
    return li < 0 ? 0 : task_lanes_[std::size_t(li)].name;
}

std::string TimelineModel::task_label(std::uint32_t task) const {
    if (task == 0)
        return "(thread)";
    const auto name = trace_.string(task_name(task));
    return name.empty() ? "task " + std::to_string(task) : std::string(name);
}

std::string TimelineModel::task_title(std::uint32_t task) const {
    return task_label(task) + (task_name(task) ? " #" + std::to_string(task) : "");
}

std::string TimelineModel::thread_label(std::uint16_t thread) const {
    if (thread < trace_.threads.size()) {
        const auto& t = trace_.threads[thread];
        std::string name(trace_.string(t.name));
        // One name per worker: "worker 2", or the thread's own name when it
        // already carries the index ("pool-2"), else "name 2".
        if (t.worker >= 0) {
            const std::string index = std::to_string(t.worker);
            if (name.empty() || name.starts_with("worker"))
                return "worker " + index;
            if (name.ends_with(index) &&
                !(name.size() > index.size() &&
                  std::isdigit(static_cast<unsigned char>(name[name.size() - index.size() - 1]))))
                return name;
            return name + " " + index;
        }
        if (!name.empty())
            return name;
    }
    return "thread " + std::to_string(thread);
}

int TimelineModel::poll_after(std::uint32_t task, std::int64_t ts) const {
    const int li = task_lane(task);
    if (li < 0)
        return -1;
    const auto& v = task_lanes_[std::size_t(li)].polls;
    auto it = std::lower_bound(v.begin(), v.end(), ts, [this](std::uint32_t i, std::int64_t t) {
        return polls_[i].start < t;
    });
    return it == v.end() ? -1 : int(*it);
}

std::uint32_t TimelineModel::previous_poll(std::uint32_t poll_index) const {
    if (poll_index >= polls_.size())
        return kNoIndex;
    const auto& p = polls_[poll_index];
    const int li = task_lane(p.task);
    if (li < 0)
        return kNoIndex;
    const auto& v = task_lanes_[std::size_t(li)].polls;
    // Polls of one task may share a start (virtual time): order by number too.
    auto it = std::lower_bound(v.begin(), v.end(), p, [this](std::uint32_t i, const PollBar& x) {
        const auto& y = polls_[i];
        return y.start < x.start || (y.start == x.start && y.number < x.number);
    });
    return it == v.begin() ? kNoIndex : *(it - 1);
}

const WakeRec* TimelineModel::cause_of(std::uint32_t poll_index) const {
    if (poll_index >= polls_.size())
        return nullptr;
    const auto& p = polls_[poll_index];
    const auto& v = task_lanes_[std::size_t(task_lane(p.task))].wakes;
    auto it = std::upper_bound(v.begin(), v.end(), p.start,
                               [](std::int64_t t, const WakeRec& w) { return t < w.ts; });
    const WakeRec* found = nullptr;
    // Walk back over the wakes up to the poll: the earliest linked to it.
    while (it != v.begin()) {
        --it;
        if (it->caused == poll_index)
            found = &*it;
        else if (it->caused != kNoIndex && it->caused != poll_index &&
                 polls_[it->caused].start < p.start)
            break;
    }
    return found;
}

std::int64_t TimelineModel::ready_at(std::uint32_t poll_index) const {
    const auto& p = polls_[poll_index];
    const std::uint32_t prev = previous_poll(poll_index);
    if (prev == kNoIndex)
        return std::min(task_lanes_[std::size_t(task_lane(p.task))].first, p.start);
    const auto& q = polls_[prev];
    if (q.open())
        return p.start;
    // The earliest wake that made it runnable, but not before the previous
    // poll ended (a wake while it ran); with no wake (a yield), that end.
    const WakeRec* w = cause_of(poll_index);
    return std::min(p.start, w ? std::max(w->ts, q.end) : q.end);
}

void TimelineModel::waits_before(std::uint32_t poll_index, std::vector<Wait>& out) const {
    if (poll_index >= polls_.size())
        return;
    const auto& p = polls_[poll_index];
    const std::uint32_t prev = previous_poll(poll_index);
    std::int64_t from = ready_at(poll_index);
    if (prev != kNoIndex) {
        const auto& q = polls_[prev];
        if (q.open())
            return;
        from = std::max(from, q.end);
        if (q.outcome == Outcome::Pending && from > q.end)
            out.push_back({q.end, from, Wait::Kind::Waiting});
    }
    if (p.start > from)
        out.push_back({from, p.start, Wait::Kind::Scheduled});
}

std::uint32_t TimelineModel::waits_on(std::uint32_t poll_index) const {
    return poll_index < poll_waits_.size() ? poll_waits_[poll_index] : 0;
}

const ResourceInfo* TimelineModel::resource(std::uint32_t id) const {
    auto it = resources_.find(id);
    return it == resources_.end() ? nullptr : &it->second;
}

std::string TimelineModel::waits_on_text(std::uint32_t poll_index) const {
    if (poll_index >= polls_.size())
        return {};
    const auto& b = polls_[poll_index];
    if (b.open() || b.outcome != Outcome::Pending)
        return {};
    const ResourceInfo* r = resource(waits_on(poll_index));
    return r ? resource_text(*r, trace_) : std::string(kUnknownResourceText);
}

} // namespace pollscope::trace
