#pragma once
// LiveStats: the task table's statistics of a live run, kept by a
// trace::StatsAccumulator on a thread of its own. The feed hands it every
// slice of events it has applied to the TraceStore (in the same order); the
// accumulator reads the store's poll records for them (under the store's
// shared lock: it matches no poll ends itself). The GUI thread asks for a snapshot
// now and then; the accumulation (O(slice)) and the snapshot (O(tasks))
// never run on the GUI thread, which only picks up the finished snapshot.
// Plain std::thread and std::mutex, so ThreadSanitizer sees every hand-over.

#include "stats_accumulator.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace pollscope::app {

class TraceStore;

class LiveStats {
public:
    explicit LiveStats(const trace::StatsOptions& options = {});
    ~LiveStats();
    LiveStats(const LiveStats&) = delete;
    LiveStats& operator=(const LiveStats&) = delete;

    /// Queues the events `store` has just taken in (a slice the feed applied,
    /// time-sorted, in the order applied). Every batch comes from the same
    /// store until clear(); it must outlive the queued work (clear() or the
    /// destructor ends it).
    void add(const TraceStore& store, std::vector<trace::Event> batch);
    /// Forgets everything (a new run, a reset): queued batches, the
    /// accumulator, a snapshot in flight or not yet taken.
    void clear();
    /// Asks for a snapshot observed up to `end_ts` (-1: the last event) once
    /// the queued batches are in; false (nothing asked) while one is pending.
    bool request(std::int64_t end_ts = -1);
    /// The snapshot asked for, once it is ready (then the next request may go).
    std::optional<trace::TraceStats> take();
    /// Waits for the queued batches and returns the snapshot on this thread
    /// (the end of a run: the final numbers, exactly).
    trace::TraceStats snapshot_now(std::int64_t end_ts = -1);
    /// A snapshot was asked for and not taken yet.
    bool pending() const;
    /// Wall time of the last snapshot, ms.
    double last_snapshot_ms() const;
    std::uint64_t events() const; // added so far (the worker's count)

private:
    struct Job {
        const TraceStore* store = nullptr;
        std::vector<trace::Event> batch;
    };
    void work();

    mutable std::mutex m_;
    std::condition_variable wake_; // worker: something to do
    std::condition_variable idle_; // snapshot_now: the worker went idle
    trace::StatsAccumulator acc_;  // worker's while busy_, else under m_
    std::deque<Job> queue_;
    bool busy_ = false;
    bool clear_ = false; // acc_.clear() to do before the next job
    bool want_ = false;  // a snapshot to compute
    bool asked_ = false; // request() .. take()
    std::int64_t want_end_ = -1;
    std::uint64_t generation_ = 0; // bumped by clear(): older results are dropped
    std::optional<trace::TraceStats> result_;
    double last_ms_ = 0;
    std::uint64_t events_ = 0;
    bool stop_ = false;
    std::thread thread_;
};

} // namespace pollscope::app
