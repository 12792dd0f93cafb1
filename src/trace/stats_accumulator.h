#pragma once
// Incremental statistics: StatsAccumulator takes a trace's events in batches
// (successive drains of a recorder) and gives at any moment the TraceStats that
// compute_stats() gives on all the events added so far. compute_stats() is one
// add() of the whole trace followed by snapshot(): every statistic has this one
// definition (see stats.h for what each means).
//
// Costs: add() is O(batch) (a table look-up per event, and O(log polls) per
// poll and per wake for the exact percentiles); snapshot() is O(tasks log tasks + warnings log
// warnings) and does not depend on how many events were added. Memory: a
// TaskStats and the samples of its two duration distributions per task (8
// bytes per poll and per scheduled interval, the price of exact percentiles),
// plus the LongPoll warnings.

#include "stats.h"

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace pollscope::trace {

/// A double-ended priority queue of durations (a min-max heap): min(), max()
/// in O(1), push and pop in O(log n).
class MinMaxHeap {
public:
    bool empty() const noexcept { return a_.empty(); }
    std::size_t size() const noexcept { return a_.size(); }
    std::int64_t min() const noexcept { return a_[0]; }
    std::int64_t max() const noexcept;
    void push(std::int64_t v);
    std::int64_t pop_min();
    std::int64_t pop_max();
    void clear() noexcept { a_.clear(); }

private:
    std::size_t max_index() const noexcept;
    void bubble_up(std::size_t i);
    template <bool Min> void bubble_up_same_level(std::size_t i);
    template <bool Min> void trickle_down(std::size_t i);
    std::vector<std::int64_t> a_;
};

/// The samples of one distribution of durations, kept for its exact
/// nearest-rank p50/p90/p99: a sorted vector while there are few, then four
/// heaps split at the three ranks (each sample kept once, O(log n) per sample).
class DurationSamples {
public:
    /// Adds v: updates count, min, max and buckets of `running` and keeps v.
    void add(DurationSummary& running, std::int64_t v);
    /// Sets mean, p50, p90 and p99 of `d` (whose count is this one's) in O(1).
    void finish(DurationSummary& d) const;

private:
    static constexpr std::size_t kSmall = 64;
    std::int64_t max_up_to(std::size_t segment) const noexcept;
    long double sum_ = 0;             // exact while the sum stays below 2^64 ns
    std::vector<std::int64_t> small_; // all samples, sorted, until there are kSmall
    // Then ranks [1, r50], (r50, r90], (r90, r99], (r99, n] in ascending order.
    std::unique_ptr<std::array<MinMaxHeap, 4>> segments_;
};

/// A running DurationSummary: summary() is O(1) and equals summarize() of the
/// same samples.
class DurationAccumulator {
public:
    void add(std::int64_t v) { samples_.add(s_, v); }
    DurationSummary summary() const {
        DurationSummary d = s_;
        samples_.finish(d);
        return d;
    }
    std::uint64_t count() const noexcept { return s_.count; }

private:
    DurationSummary s_;
    DurationSamples samples_;
};

class StatsAccumulator {
public:
    /// The thresholds (long_poll_ns, self_wake_ratio, min_wakes) hold for the
    /// accumulator's life: LongPoll is decided poll by poll as events arrive.
    /// options.end_ts is the default end for snapshot().
    explicit StatsAccumulator(const StatsOptions& options = {});

    /// Adds the next events: a batch continues the previous ones (the
    /// statistics are those of the concatenation of all batches, which should
    /// be in time order, as successive TraceRecorder::drain() results are).
    /// `tables` resolves the batch's task names and await-site locations (the
    /// trace or drain tables that hold at least the ids the batch uses).
    void add(std::span<const Event> batch, const Trace& tables);

    /// The statistics of everything added so far, observed up to `end_ts`
    /// (-1: options().end_ts, and when that is -1 too, the last event's ts).
    /// Equal to compute_stats() of the concatenated batches with the same options.
    TraceStats snapshot(std::int64_t end_ts = -1) const;

    /// Forgets every event (a new trace); keeps the options.
    void clear();

    const StatsOptions& options() const noexcept { return options_; }
    std::uint64_t events() const noexcept { return events_; }
    std::size_t tasks() const noexcept { return work_.size(); }

private:
    struct Work {
        TaskStats s;            // poll_times, scheduled_times: count, min, max, buckets so far
        std::int64_t since = 0; // start of the current state's interval
        bool woken_while_running = false;
        bool seen_spawn = false;
        std::int64_t last_pending = -1; // time of the last Pending poll end
        std::uint64_t thread_mask = 0;  // threads < 64 already in s.threads
        DurationSamples polls, scheduled;

        void close(std::int64_t ts);
        bool ended() const noexcept;
    };
    Work& task(std::uint32_t id, std::int64_t ts);
    void remember_location(std::uint32_t id, const Trace& tables);

    StatsOptions options_;
    std::uint64_t events_ = 0;
    std::int64_t first_ts_ = 0, last_ts_ = 0;
    std::deque<Work> work_; // in order of first appearance (a deque: no moves)
    // Task id -> index in work_ + 1 (0: none) for small ids, a map beyond.
    std::vector<std::uint32_t> dense_index_;
    std::unordered_map<std::uint32_t, std::uint32_t> sparse_index_;
    std::vector<Warning> long_polls_; // LongPoll warnings in the order found
    // location_text() of the await sites seen (LostWaker messages), by id.
    std::vector<std::string> location_text_;
    std::vector<bool> location_known_;
};

} // namespace pollscope::trace
