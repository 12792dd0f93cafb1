#pragma once
// Incremental statistics: StatsAccumulator follows a TimelineModel as it grows
// (successive drains of a recorder) and gives at any moment the TraceStats that
// compute_stats() gives on all the events added so far. It matches no poll
// ends itself: the polls, and which wake made each runnable, are the model's
// records.
// compute_stats() is one add() of a model of the whole trace followed by
// snapshot(): every statistic has this one definition (see stats.h).
//
// Costs: add() is O(batch + new polls) (a table look-up per event, the
// model's ready_at() and O(log polls) per poll for the exact percentiles) plus
// the polls still open; snapshot() is O(tasks log tasks + warnings log
// warnings) and does not depend on how many events were added. Memory: a
// TaskStats and the samples of its two duration distributions per task (8
// bytes per poll and per scheduled interval, the price of exact percentiles),
// plus the LongPoll warnings.

#include "stats.h"
#include "timeline_model.h"

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

namespace pollscope::trace {

/// Events that tell something about their task (a mark, a channel operation
/// or a worker's start do not): the ones the statistics count for it.
bool about_its_task(EventKind k) noexcept;

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
    DurationSamples() = default;
    DurationSamples(const DurationSamples& other);
    DurationSamples& operator=(const DurationSamples& other);
    DurationSamples(DurationSamples&&) noexcept = default;
    DurationSamples& operator=(DurationSamples&&) noexcept = default;
    ~DurationSamples() = default;
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
    /// accumulator's life: LongPoll is decided poll by poll as they close.
    /// options.end_ts is the default end for snapshot().
    explicit StatsAccumulator(const StatsOptions& options = {});

    /// Takes in what `model` has gained since the last call. `batch` is the
    /// events the model took in since then (successive drains: in time order
    /// from one call to the next); only per-event counts come from it
    /// (spawns, names, wakes, yields, cancels, failures). Polls, and the
    /// waiting and scheduled stretches before each, are the model's records
    /// (polls(), ready_at()), read by a cursor: a poll counts for good once
    /// it is closed and an event after its start has come (no wake or poll
    /// can link to it any more: in time order, nothing earlier can arrive);
    /// the polls still open or at the last instant are kept aside and
    /// re-read on every call. The model must be the same one from call to
    /// call (clear() before another).
    ///
    /// Fed a live recorder's drains, another thread's events can come one
    /// drain late: a wake delivered after the poll it caused has counted
    /// still counts as a wake, but that poll's idle/scheduled split was taken
    /// without it (compute_stats() of the finished trace has it exactly).
    ///
    /// A stop requested on `stop` ends the call early, leaving the
    /// accumulator fit only for clear() or destruction.
    void add(const TimelineModel& model, std::span<const Event> batch,
             const std::stop_token& stop = {});

    /// The statistics of everything added so far, observed up to `end_ts`
    /// (-1: options().end_ts, and when that is -1 too, the last event's ts).
    /// Equal to compute_stats() of the concatenated batches with the same options.
    TraceStats snapshot(std::int64_t end_ts = -1) const;

    /// Forgets every event and the model's cursor (a new trace); keeps the options.
    void clear();

    const StatsOptions& options() const noexcept { return options_; }
    std::uint64_t events() const noexcept { return events_; }
    std::size_t tasks() const noexcept { return work_.size(); }

private:
    /// One poll as the statistics take it from the model.
    struct PollFacts {
        std::int64_t start = 0, end = -1; // end -1: open
        std::int64_t waiting = 0;         // idle before it (Pending end .. ready)
        std::int64_t scheduled = -1;      // ready .. start; -1: no sample
        std::uint32_t index = 0;          // in model.polls()
        std::uint32_t task = 0, site = 0;
        std::uint16_t thread = 0;
        Outcome outcome = Outcome::Pending;
        bool open() const noexcept { return end < 0; }
    };
    /// What snapshot() needs of a task besides its samples (cheap to copy).
    struct Summary {
        TaskStats s;                   // counts and times of the polls counted so far
        std::uint64_t thread_mask = 0; // threads < 64 already in s.threads
        std::int64_t first_ts = 0;     // its first event (Spawn or any): spawned_at
        std::int64_t cancel_ts = -1, fail_ts = -1;
        std::int64_t end_poll_ts = -1; // end of its first Ready/Failed poll
        bool end_poll_failed = false;
        // The latest poll (by start, then index): the task's state at the end.
        bool has_latest = false;
        PollFacts latest;
        std::int64_t pending_end = -1; // latest Pending poll with a site (last_await_site)
        std::uint32_t pending_index = 0;
        std::int64_t woken_at = -1; // its earliest wake no poll took yet (model), -1: none

        std::int64_t ended_at() const noexcept;
    };
    struct Work {
        Summary sum;
        DurationSamples polls, scheduled;
        std::uint64_t touched = 0; // the add() that last saw an event of it
    };
    struct LongPoll { // a LongPoll warning; its message is made by snapshot()
        std::int64_t ts = 0, value = 0;
        std::uint32_t task = 0, index = 0; // index: the poll's in the model
    };
    struct WaitingPoll { // a poll seen and not counted whole yet
        std::uint32_t index = 0;
        bool started = false; // its start (and the stretch before it) counted
    };
    Work& task(std::uint32_t id, std::int64_t ts);
    const Work* find(std::uint32_t id) const;
    void remember_location(std::uint32_t id, const Trace& tables);
    /// The poll's own facts; facts() adds the stretch before it.
    static PollFacts bar_facts(const TimelineModel& model, std::uint32_t index);
    PollFacts facts(const TimelineModel& model, std::uint32_t index) const;
    /// Counts a poll's start: the poll, its thread, the stretch before it.
    void count_start(Summary& sum, DurationSamples& scheduled, const PollFacts& p) const;
    /// Counts a closed poll's end: busy time, its duration, its outcome.
    void count_end(Summary& sum, DurationSamples& polls, const PollFacts& p,
                   std::vector<LongPoll>& long_polls) const;
    static void refresh_woken(const TimelineModel& model, Work& w);

    StatsOptions options_;
    std::uint64_t events_ = 0;
    std::int64_t first_ts_ = 0, last_ts_ = 0;
    std::deque<Work> work_; // in order of first appearance (a deque: no moves)
    // Task id -> index in work_ + 1 (0: none) for small ids, a map beyond.
    std::vector<std::uint32_t> dense_index_;
    std::unordered_map<std::uint32_t, std::uint32_t> sparse_index_;
    std::vector<LongPoll> long_polls_; // LongPoll warnings of the polls counted
    // The model's cursor: polls before next_poll_ were seen; of those, the
    // ones not counted yet (open, or at the last instant), by index.
    std::size_t next_poll_ = 0;
    std::vector<WaitingPoll> waiting_polls_;
    std::uint64_t adds_ = 0;
    std::vector<Work*> touched_;  // tasks with events in this add() (its scratch)
    std::vector<PollFacts> tail_; // their facts as of the last add(), by task
    // location_text() of the await sites seen (LostWaker messages), by id.
    std::vector<std::string> location_text_;
    std::vector<bool> location_known_;
};

} // namespace pollscope::trace
