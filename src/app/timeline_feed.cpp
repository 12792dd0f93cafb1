#include "timeline_feed.h"

#include "live_stats.h"
#include "trace_store.h"

#include <algorithm>
#include <chrono>
#include <shared_mutex>
#include <utility>

namespace pollscope::app {

TimelineFeed::TimelineFeed(TraceStore& store, LiveStats* stats)
    : store_(store)
    , stats_(stats) {}

TimelineFeed::~TimelineFeed() {
    stop();
}

void TimelineFeed::start(std::shared_ptr<trace::TraceRecorder> recorder) {
    start(std::make_shared<trace::RecorderSource>(std::move(recorder)));
}

void TimelineFeed::start(std::shared_ptr<trace::DeltaSource> source) {
    stop();
    source_ = std::move(source);
    applied_.store(0, std::memory_order_release);
    drained_.store(0, std::memory_order_release);
    max_hold_ns_.store(0, std::memory_order_relaxed);
    {
        std::lock_guard l(m_);
        stop_ = false;
        flush_asked_ = flush_done_ = 0;
    }
    stopping_.store(false, std::memory_order_release);
    thread_ = std::thread([this] { work(); });
}

void TimelineFeed::stop() {
    if (!thread_.joinable())
        return;
    {
        std::lock_guard l(m_);
        stop_ = true;
    }
    stopping_.store(true, std::memory_order_release);
    wake_.notify_all();
    thread_.join();
    source_.reset();
    back_ = {}; // the store has all it applied; the copy's memory goes
    copied_ = false;
}

void TimelineFeed::flush() {
    if (!thread_.joinable())
        return;
    std::unique_lock l(m_);
    const auto ticket = ++flush_asked_;
    wake_.notify_all();
    flushed_.wait(l, [&] { return flush_done_ >= ticket || stop_; });
}

void TimelineFeed::work() {
    std::unique_lock l(m_);
    for (;;) {
        wake_.wait_for(l, std::chrono::milliseconds(kPeriodMs),
                       [this] { return stop_ || flush_asked_ > flush_done_; });
        if (stop_)
            break;
        const auto ticket = flush_asked_;
        l.unlock();
        catch_up();
        l.lock();
        flush_done_ = std::max(flush_done_, ticket);
        flushed_.notify_all();
    }
    flushed_.notify_all();
}

void TimelineFeed::catch_up() {
    if (!copied_) {
        // The feed's copy starts as the store is (empty, or what an earlier
        // feed of this run left); only this thread writes the store now.
        const std::shared_lock r(store_.mutex());
        back_ = store_;
        copied_ = true;
    }
    trace::TraceDelta delta;
    source_->drain(delta);
    std::vector<trace::Event> events = std::move(delta.events);
    delta.events.clear();
    drained_.fetch_add(events.size(), std::memory_order_acq_rel);
    if (events.empty() && delta.strings.empty() && delta.locations.empty())
        return; // nothing new: the views keep their caches
    // The tables first (names and locations the events refer to), then the
    // events in slices. Each slice goes into the feed's own copy of the
    // model, which only this thread touches, and that copy is swapped with
    // the store's under its exclusive lock: O(1), so a reader (the GUI
    // thread) never waits for an append, even if this thread is preempted
    // in one. Then the old copy gets the same slice, and the two are equal
    // again. A slice is applied in chunks and ends after kSliceEvents events
    // or kSliceMs, whichever comes first: the window sees progress at least
    // that often even when the feed is behind on a busy machine.
    std::size_t i = 0;
    trace::TraceDelta tables = std::move(delta); // the first chunk carries them
    std::vector<trace::TraceDelta> slice;
    do {
        slice.clear();
        std::size_t in_slice = 0;
        const auto slice_from = std::chrono::steady_clock::now();
        do {
            const std::size_t n =
                std::min({kChunkEvents, kSliceEvents - in_slice, events.size() - i});
            trace::TraceDelta chunk = std::exchange(tables, {});
            chunk.events.assign(events.begin() + std::ptrdiff_t(i),
                                events.begin() + std::ptrdiff_t(i + n));
            // Levels of detail are settled once per slice, below.
            back_.apply(chunk, trace::TimelineModel::Lod::Defer);
            slice.push_back(std::move(chunk));
            i += n;
            in_slice += n;
        } while (i < events.size() && in_slice < kSliceEvents &&
                 std::chrono::steady_clock::now() - slice_from <
                     std::chrono::milliseconds(kSliceMs));
        back_.append({}); // settles what the chunks left
        {
            // A reader holds the lock at most a frame; stop() does not wait
            // for it (the GUI thread may be the reader that calls stop()).
            // (try_lock, not a timed lock: ThreadSanitizer does not see
            // pthread_rwlock_clockwrlock, which try_lock_for uses.)
            std::unique_lock w(store_.mutex(), std::try_to_lock);
            while (!w.owns_lock()) {
                if (stopping_.load(std::memory_order_acquire)) {
                    back_ = {}; // ahead of the store: copied again at start()
                    copied_ = false;
                    return;
                }
                std::this_thread::sleep_for(std::chrono::microseconds(200));
                w.try_lock();
            }
            const auto held_from = std::chrono::steady_clock::now();
            std::swap(static_cast<trace::TimelineModel&>(store_), back_);
            const auto held = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::steady_clock::now() - held_from)
                                  .count();
            if (held > max_hold_ns_.load(std::memory_order_relaxed))
                max_hold_ns_.store(held, std::memory_order_relaxed);
        }
        // The old copy gets the same chunks; its levels of detail are
        // settled with the next slice, before anyone reads it.
        for (auto& chunk : slice) {
            const std::size_t n = chunk.events.size();
            std::vector<trace::Event> for_stats;
            if (stats_)
                for_stats = chunk.events;
            back_.apply(std::move(chunk), trace::TimelineModel::Lod::Defer);
            if (stats_) // visible now: the statistics read the store's polls for it
                stats_->add(store_, std::move(for_stats));
            applied_.fetch_add(n, std::memory_order_acq_rel);
        }
    } while (i < events.size());
}

} // namespace pollscope::app
