#pragma once
// TimelineFeed: builds a live run's timeline model off the GUI thread. A
// thread of its own drains the run's events every few milliseconds (only
// what is new, a TraceDelta: from the run's recorder, or from a program's
// stream when attached, trace::DeltaSource) and applies it in slices (at
// most kSliceEvents events or kSliceMs) to a copy of the model of its own, then swaps
// that copy with the TraceStore's under the store's exclusive lock (O(1))
// and applies the slice to the old one too. So a reader (the GUI thread,
// which holds the lock shared while awake, see GuiReadLock) never waits for
// an append, only for a swap; twice the appending work and, during a run,
// twice the model's memory buy that. Every applied slice then goes to
// LiveStats, in the same order.
// The GUI thread learns of progress through applied() (an atomic count).

#include "delta_source.h"
#include "recorder.h"
#include "timeline_model.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace pollscope::app {

class LiveStats;
class TraceStore;

class TimelineFeed {
public:
    /// Events made visible by one swap at most, and how long the feed
    /// appends before a swap at most (see catch_up()), in chunks of
    /// kChunkEvents.
    static constexpr std::size_t kSliceEvents = 8192;
    static constexpr int kSliceMs = 15;
    static constexpr std::size_t kChunkEvents = 2048;
    /// How often the thread drains while nothing asks it to.
    static constexpr int kPeriodMs = 10;

    TimelineFeed(TraceStore& store, LiveStats* stats);
    ~TimelineFeed();
    TimelineFeed(const TimelineFeed&) = delete;
    TimelineFeed& operator=(const TimelineFeed&) = delete;

    /// Starts feeding the store from `recorder` (stops a previous feed
    /// first). The store should be empty or hold this recorder's earlier
    /// events. The feed keeps the recorder alive until it stops.
    void start(std::shared_ptr<trace::TraceRecorder> recorder);
    /// The same from any source of deltas (an attached program's stream).
    void start(std::shared_ptr<trace::DeltaSource> source);
    /// Stops feeding (joins the thread; a slice waiting for the store's lock
    /// is dropped); the store keeps what it has.
    void stop();
    /// Blocks until every event recorded before the call is in the store.
    /// The calling thread must not hold the store's lock (GuiReadLock::Unlocked).
    void flush();
    bool active() const noexcept { return thread_.joinable(); }
    /// Events applied so far by this feed (any thread).
    std::uint64_t applied() const noexcept { return applied_.load(std::memory_order_acquire); }
    /// Events drained from the recorder so far (applied or about to be).
    /// Unlike TraceRecorder::recorded(), it takes no lock that a drain holds.
    std::uint64_t drained() const noexcept { return drained_.load(std::memory_order_acquire); }
    /// The longest the feed held the store's exclusive lock so far (ns): what
    /// a reader may have waited (benchmarks).
    std::int64_t max_hold_ns() const noexcept {
        return max_hold_ns_.load(std::memory_order_relaxed);
    }

private:
    void work();
    /// Drains and applies everything recorded so far.
    void catch_up();

    TraceStore& store_;
    LiveStats* stats_;
    trace::TimelineModel back_; // this thread's copy (see the top)
    bool copied_ = false;       // back_ is the store's copy
    std::shared_ptr<trace::DeltaSource> source_;
    std::thread thread_;
    std::mutex m_;
    std::condition_variable wake_, flushed_;
    bool stop_ = false;
    std::atomic<bool> stopping_{false}; // stop_, read without m_
    std::uint64_t flush_asked_ = 0, flush_done_ = 0;
    std::atomic<std::uint64_t> applied_{0};
    std::atomic<std::uint64_t> drained_{0};
    std::atomic<std::int64_t> max_hold_ns_{0};
};

} // namespace pollscope::app
