#include "trace_store.h"

#include <algorithm>

namespace pollscope::app {

using trace::Event;
using trace::EventKind;

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
} // namespace

void TraceStore::clear() {
    *this = TraceStore();
}

void TraceStore::merge_tables(const trace::Trace& tables) {
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

void TraceStore::append(std::vector<Event> batch) {
    if (batch.empty())
        return;
    if (!std::is_sorted(batch.begin(), batch.end(),
                        [](const Event& a, const Event& b) { return a.ts < b.ts; }))
        trace::sort_events(batch);
    auto& ev = trace_.events;
    reserve_ahead(batch.size());
    const bool was_empty = ev.empty();
    const auto mid = ev.size();
    ev.insert(ev.end(), batch.begin(), batch.end());
    changed_from_ = mid;
    if (!was_empty && batch.front().ts < ev[mid - 1].ts) {
        changed_from_ = std::size_t(
            std::upper_bound(ev.begin(), ev.begin() + std::ptrdiff_t(mid), batch.front().ts,
                             [](std::int64_t t, const Event& e) { return t < e.ts; }) -
            ev.begin());
        // Only the tail from the first event the batch precedes moves (a
        // drain's events are at most a few microseconds late), not the trace.
        std::inplace_merge(ev.begin() + std::ptrdiff_t(changed_from_),
                           ev.begin() + std::ptrdiff_t(mid), ev.end(),
                           [](const Event& a, const Event& b) { return a.ts < b.ts; });
    }
    if (was_empty)
        start_ = batch.front().ts;
    start_ = std::min(start_, batch.front().ts);
    end_ = std::max(end_, batch.back().ts);
    for (const auto& e : batch)
        index(e);
    settle_lods();
    ++generation_;
}

void TraceStore::reserve_ahead(std::size_t more) {
    // A live run grows these vectors by a drain at a time; every doubling of
    // a big one would copy it whole on the GUI thread (100+ ms at millions
    // of events). Reserve generously instead: untouched capacity is only
    // address space until it is written.
    auto grow = [](auto& v, std::size_t need, std::size_t floor) {
        if (v.capacity() < need)
            v.reserve(std::max({need, v.capacity() * 2, floor}));
    };
    const auto n = trace_.events.size() + more;
    grow(trace_.events, n, kLiveReserve);
    grow(polls_, polls_.size() + more / 2, kLiveReserve / 2);
    grow(wakes_, wakes_.size() + more / 2, kLiveReserve / 4);
    grow(markers_, markers_.size() + more / 2, kLiveReserve / 4);
}

void TraceStore::load(trace::Trace t) {
    clear();
    auto events = std::move(t.events);
    t.events.clear();
    trace_ = std::move(t);
    trace::sort_events(events);
    if (!events.empty()) {
        start_ = events.front().ts;
        end_ = events.back().ts;
    }
    polls_.reserve(events.size() / 2);
    for (const auto& e : events)
        index(e);
    settle_lods();
    trace_.events = std::move(events);
    changed_from_ = 0;
    ++generation_;
}

int TraceStore::task_lane(std::uint32_t task) const {
    if (task < kFlatTasks)
        return task < task_lane_flat_.size() ? task_lane_flat_[task] : -1;
    auto it = task_lane_of_.find(task);
    return it == task_lane_of_.end() ? -1 : it->second;
}

std::pair<std::int64_t, std::uint16_t> TraceStore::thread_order(std::uint16_t thread) const {
    const std::int64_t worker = thread < trace_.threads.size() ? trace_.threads[thread].worker : -1;
    return {worker >= 0 ? worker : std::int64_t(1) << 40, thread};
}

void TraceStore::sort_thread_lanes() {
    // A lane made before its thread's table entry arrived sits by thread index.
    std::stable_sort(
        thread_lanes_.begin(), thread_lanes_.end(), [this](const Lane& a, const Lane& b) {
            return thread_order(std::uint16_t(a.key)) < thread_order(std::uint16_t(b.key));
        });
}

int TraceStore::thread_lane(std::uint16_t thread) const {
    for (std::size_t i = 0; i < thread_lanes_.size(); ++i)
        if (thread_lanes_[i].key == thread)
            return int(i);
    return -1;
}

Lane& TraceStore::task_lane_for(std::uint32_t task, std::int64_t ts) {
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

Lane& TraceStore::thread_lane_for(std::uint16_t thread) {
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

void TraceStore::insert_poll(std::vector<std::uint32_t>& v, std::uint32_t idx) {
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

void TraceStore::lod_add(Lane& lane, std::uint32_t lane_id, const PollBar& bar) {
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

void TraceStore::settle_lods() {
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

void TraceStore::index(const Event& e) {
    switch (e.kind) {
    case EventKind::Spawn: {
        auto& l = task_lane_for(e.task, e.ts);
        l.first = std::min(l.first, e.ts);
        insert_by_ts(markers_, Marker{e.ts, e.task, 0, e.thread, MarkerKind::Spawn});
        break;
    }
    case EventKind::TaskName:
        names_[e.task] = e.arg;
        break;
    case EventKind::PollStart: {
        const auto idx = std::uint32_t(polls_.size());
        PollBar b;
        b.start = e.ts;
        b.task = e.task;
        b.thread = e.thread;
        auto& tl = task_lane_for(e.task, e.ts);
        b.number = ++tl.poll_count;
        polls_.push_back(b);
        tl.open_poll = idx;
        insert_poll(tl.polls, idx);
        insert_poll(thread_lane_for(e.thread).polls, idx);
        break;
    }
    case EventKind::PollEnd: {
        const int li = task_lane(e.task);
        if (li < 0 || task_lanes_[std::size_t(li)].open_poll == Lane::kNoPoll)
            break;
        auto& l = task_lanes_[std::size_t(li)];
        std::uint32_t idx = l.open_poll;
        if (polls_[idx].thread != e.thread || polls_[idx].start > e.ts) {
            // A drain may deliver a PollEnd after the task's next PollStart
            // (another thread's events came first): the poll this one ends
            // is the open one of the same thread, a little further back.
            idx = Lane::kNoPoll;
            for (std::size_t k = l.polls.size(), steps = 0; k-- > 0 && steps < 16; ++steps) {
                const auto& c = polls_[l.polls[k]];
                if (c.open() && c.thread == e.thread && c.start <= e.ts) {
                    idx = l.polls[k];
                    break;
                }
            }
            if (idx == Lane::kNoPoll)
                break;
        }
        auto& b = polls_[idx];
        b.end = std::max(e.ts, b.start);
        b.outcome = e.outcome();
        b.site = e.arg;
        if (idx == l.open_poll)
            l.open_poll = Lane::kNoPoll;
        if (b.outcome != trace::Outcome::Pending)
            l.last = std::max(l.last, e.ts);
        lod_add(l, std::uint32_t(li), b);
        lod_add(thread_lane_for(b.thread), kThreadLaneBit | b.thread, b);
        break;
    }
    case EventKind::Wake: {
        WakeRec w{e.ts, e.task, e.arg, e.thread};
        insert_by_ts(wakes_, w);
        insert_by_ts(task_lane_for(e.task, e.ts).wakes, w);
        break;
    }
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
        break;
    }
}

QString TraceStore::task_label(std::uint32_t task) const {
    if (task == 0)
        return QStringLiteral("(thread)");
    auto it = names_.find(task);
    if (it != names_.end()) {
        auto s = trace_.string(it->second);
        if (!s.empty())
            return QString::fromUtf8(s.data(), qsizetype(s.size()));
    }
    return QStringLiteral("task %1").arg(task);
}

QString TraceStore::thread_label(std::uint16_t thread) const {
    if (thread < trace_.threads.size()) {
        const auto& t = trace_.threads[thread];
        auto s = trace_.string(t.name);
        QString name = QString::fromUtf8(s.data(), qsizetype(s.size()));
        // One name per worker: "worker 2", or the thread's own name when it
        // already carries the index ("pool-2"), else "name 2".
        if (t.worker >= 0) {
            const QString index = QString::number(t.worker);
            if (name.isEmpty() || name.startsWith(QLatin1String("worker")))
                return QStringLiteral("worker %1").arg(index);
            if (name.endsWith(index) &&
                !(name.size() > index.size() && name[name.size() - index.size() - 1].isDigit()))
                return name;
            return QStringLiteral("%1 %2").arg(name, index);
        }
        if (!name.isEmpty())
            return name;
    }
    return QStringLiteral("thread %1").arg(thread);
}

int TraceStore::poll_after(std::uint32_t task, std::int64_t ts) const {
    const int li = task_lane(task);
    if (li < 0)
        return -1;
    const auto& v = task_lanes_[std::size_t(li)].polls;
    auto it = std::lower_bound(v.begin(), v.end(), ts, [this](std::uint32_t i, std::int64_t t) {
        return polls_[i].start < t;
    });
    return it == v.end() ? -1 : int(*it);
}

const WakeRec* TraceStore::cause_of(std::uint32_t poll_index) const {
    if (poll_index >= polls_.size())
        return nullptr;
    const auto& p = polls_[poll_index];
    const int li = task_lane(p.task);
    if (li < 0)
        return nullptr;
    const auto& lane = task_lanes_[std::size_t(li)];
    // The previous poll of the task bounds the search from below.
    std::int64_t after = lane.first - 1;
    auto pit =
        std::lower_bound(lane.polls.begin(), lane.polls.end(), p.start,
                         [this](std::uint32_t i, std::int64_t t) { return polls_[i].start < t; });
    if (pit != lane.polls.begin())
        after = polls_[*(pit - 1)].start;
    auto wit = std::upper_bound(lane.wakes.begin(), lane.wakes.end(), p.start,
                                [](std::int64_t t, const WakeRec& w) { return t < w.ts; });
    if (wit == lane.wakes.begin())
        return nullptr;
    const WakeRec& w = *(wit - 1);
    return w.ts >= after ? &w : nullptr;
}

} // namespace pollscope::app
