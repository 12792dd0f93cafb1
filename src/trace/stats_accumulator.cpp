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

void DurationSamples::add(DurationSummary& d, std::int64_t v) {
    if (d.count == 0 || v < d.min)
        d.min = v;
    if (d.count == 0 || v > d.max)
        d.max = v;
    ++d.count;
    sum_ += v;
    const auto u = static_cast<std::uint64_t>(std::max<std::int64_t>(v, 1));
    ++d.buckets[std::min<std::size_t>(std::bit_width(u) - 1, d.buckets.size() - 1)];

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

void StatsAccumulator::Work::close(std::int64_t ts) {
    const auto d = ts - since;
    switch (s.state) {
    case TaskState::Scheduled:
        s.scheduled_ns += d;
        scheduled.add(s.scheduled_times, d);
        break;
    case TaskState::Idle:
        s.idle_ns += d;
        break;
    case TaskState::Running:
        s.busy_ns += d;
        break;
    default:
        break;
    }
    since = ts;
}

bool StatsAccumulator::Work::ended() const noexcept {
    return s.state == TaskState::Done || s.state == TaskState::Cancelled ||
           s.state == TaskState::Failed;
}

StatsAccumulator::StatsAccumulator(const StatsOptions& options)
    : options_(options) {}

void StatsAccumulator::clear() {
    *this = StatsAccumulator(options_);
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
        w.s.id = id;
        w.s.spawned_at = ts; // until a Spawn says otherwise
        w.since = ts;
        *slot = static_cast<std::uint32_t>(work_.size());
    }
    return work_[*slot - 1];
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

void StatsAccumulator::add(std::span<const Event> batch, const Trace& tables) {
    if (batch.empty())
        return;
    if (events_ == 0)
        first_ts_ = batch.front().ts;
    events_ += batch.size();
    last_ts_ = batch.back().ts;

    for (const Event& e : batch) {
        if (e.task == 0)
            continue; // marks or shutdown from plain threads
        if (e.kind == EventKind::ChannelSend || e.kind == EventKind::ChannelRecv ||
            e.kind == EventKind::Mark || e.kind == EventKind::Shutdown ||
            e.kind == EventKind::WorkerStart)
            continue; // about the task but not its state
        Work& w = task(e.task, e.ts);
        auto& s = w.s;
        switch (e.kind) {
        case EventKind::Spawn:
            s.parent = e.arg;
            s.spawn_location = e.arg2;
            // With virtual time many events share a timestamp and the spawning
            // thread's Spawn may sort after the worker's first poll: then it
            // names the task but does not reset its state.
            if (!w.seen_spawn && s.polls == 0 && !w.ended()) {
                s.spawned_at = e.ts;
                s.state = TaskState::Scheduled;
                w.since = e.ts;
            }
            w.seen_spawn = true;
            break;
        case EventKind::TaskName:
            s.name = std::string(tables.string(e.arg));
            break;
        case EventKind::PollStart:
            if (w.ended())
                break;
            w.close(e.ts);
            s.state = TaskState::Running;
            w.woken_while_running = false;
            ++s.polls;
            if (e.thread >= 64 || !(w.thread_mask & (std::uint64_t{1} << e.thread))) {
                if (e.thread < 64)
                    w.thread_mask |= std::uint64_t{1} << e.thread;
                const auto at = std::lower_bound(s.threads.begin(), s.threads.end(), e.thread);
                if (at == s.threads.end() || *at != e.thread)
                    s.threads.insert(at, e.thread);
            }
            break;
        case EventKind::PollEnd: {
            if (s.state != TaskState::Running)
                break;
            const auto d = e.ts - w.since;
            w.polls.add(s.poll_times, d);
            if (d > options_.long_poll_ns) {
                s.warnings |= 1u << unsigned(WarningKind::LongPoll);
                long_polls_.push_back({WarningKind::LongPoll, s.id, w.since, d,
                                       task_label(s) + ": poll ran " + duration_text(d)});
            }
            w.close(e.ts);
            switch (e.outcome()) {
            case Outcome::Pending:
                ++s.pending_polls;
                if (e.arg) {
                    s.last_await_site = e.arg;
                    remember_location(e.arg, tables);
                }
                w.last_pending = e.ts;
                s.state = w.woken_while_running ? TaskState::Scheduled : TaskState::Idle;
                break;
            case Outcome::Ready:
                s.state = TaskState::Done;
                s.ended_at = e.ts;
                break;
            case Outcome::Failed:
                s.state = TaskState::Failed;
                s.ended_at = e.ts;
                break;
            }
            break;
        }
        case EventKind::Wake:
            ++s.wakes;
            if (e.arg == e.task)
                ++s.self_wakes;
            if (s.state == TaskState::Idle) {
                w.close(e.ts);
                s.state = TaskState::Scheduled;
            } else if (s.state == TaskState::Running) {
                w.woken_while_running = true;
            }
            break;
        case EventKind::Cancel:
            if (w.ended())
                break;
            w.close(e.ts);
            s.state = TaskState::Cancelled;
            s.ended_at = e.ts;
            break;
        case EventKind::Fail:
            if (s.state != TaskState::Failed) {
                w.close(e.ts);
                s.state = TaskState::Failed;
                s.ended_at = e.ts;
            }
            break;
        case EventKind::Yield:
            ++s.yields;
            break;
        default:
            break;
        }
    }
}

TraceStats StatsAccumulator::snapshot(std::int64_t end_ts) const {
    TraceStats out;
    out.events = events_;
    out.start_ts = events_ ? first_ts_ : 0;
    if (end_ts < 0)
        end_ts = options_.end_ts;
    out.end_ts = end_ts >= 0 ? end_ts : events_ ? last_ts_ : 0;
    const std::int64_t end = out.end_ts;

    out.warnings = long_polls_;
    // By id without moving TaskStats around: ids usually come in ascending order.
    std::vector<std::pair<std::uint32_t, const Work*>> order;
    order.reserve(work_.size());
    for (const auto& w : work_)
        order.emplace_back(w.s.id, &w);
    if (!std::is_sorted(order.begin(), order.end()))
        std::sort(order.begin(), order.end());
    out.tasks.reserve(order.size());
    for (const auto& [id, work] : order) {
        const Work& w = *work;
        TaskStats s = w.s;
        if (!w.ended() && end > w.since) {
            // Open interval up to the end; an unfinished wait is no sample.
            const auto d = end - w.since;
            if (s.state == TaskState::Scheduled)
                s.scheduled_ns += d;
            else if (s.state == TaskState::Idle)
                s.idle_ns += d;
            else if (s.state == TaskState::Running)
                s.busy_ns += d;
        }
        s.total_ns = (s.ended_at >= 0 ? s.ended_at : std::max(end, s.spawned_at)) - s.spawned_at;
        w.polls.finish(s.poll_times);
        w.scheduled.finish(s.scheduled_times);

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
            const auto idle = end - w.last_pending;
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
    std::stable_sort(out.warnings.begin(), out.warnings.end(),
                     [](const Warning& a, const Warning& b) {
                         return std::tie(a.ts, a.task, a.kind) < std::tie(b.ts, b.task, b.kind);
                     });
    return out;
}

} // namespace pollscope::trace
