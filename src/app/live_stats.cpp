#include "live_stats.h"

#include "trace_store.h"

#include <chrono>
#include <shared_mutex>
#include <utility>

namespace pollscope::app {

LiveStats::LiveStats(const trace::StatsOptions& options)
    : acc_(options)
    , thread_([this] { work(); }) {}

LiveStats::~LiveStats() {
    {
        std::lock_guard l(m_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void LiveStats::add(const TraceStore& store, std::vector<trace::Event> batch) {
    if (batch.empty())
        return;
    {
        std::lock_guard l(m_);
        queue_.push_back(Job{&store, std::move(batch)});
    }
    wake_.notify_one();
}

void LiveStats::clear() {
    {
        std::lock_guard l(m_);
        queue_.clear();
        clear_ = true;
        want_ = false;
        asked_ = false;
        result_.reset();
        events_ = 0;
        ++generation_;
    }
    wake_.notify_one();
}

bool LiveStats::request(std::int64_t end_ts) {
    {
        std::lock_guard l(m_);
        if (asked_)
            return false;
        asked_ = true;
        want_ = true;
        want_end_ = end_ts;
    }
    wake_.notify_one();
    return true;
}

std::optional<trace::TraceStats> LiveStats::take() {
    std::lock_guard l(m_);
    if (!result_)
        return std::nullopt;
    asked_ = false;
    return std::exchange(result_, std::nullopt);
}

bool LiveStats::pending() const {
    std::lock_guard l(m_);
    return asked_;
}

double LiveStats::last_snapshot_ms() const {
    std::lock_guard l(m_);
    return last_ms_;
}

std::uint64_t LiveStats::events() const {
    std::lock_guard l(m_);
    return events_;
}

trace::TraceStats LiveStats::snapshot_now(std::int64_t end_ts) {
    std::unique_lock l(m_);
    idle_.wait(l, [this] { return !busy_ && queue_.empty() && !clear_; });
    // The worker touches acc_ only while busy_, which it sets under m_.
    return acc_.snapshot(end_ts);
}

void LiveStats::work() {
    std::unique_lock l(m_);
    for (;;) {
        wake_.wait(l, [this] { return stop_ || clear_ || !queue_.empty() || want_; });
        if (stop_)
            return;
        busy_ = true;
        if (clear_) {
            clear_ = false;
            l.unlock();
            acc_.clear();
            l.lock();
        } else if (!queue_.empty()) {
            Job job = std::move(queue_.front());
            queue_.pop_front();
            l.unlock();
            {
                std::shared_lock r(job.store->mutex()); // the feed writes it
                acc_.add(*job.store, job.batch);
            }
            job = {}; // freed off the lock
            l.lock();
            events_ = acc_.events();
        } else {
            want_ = false;
            const auto end = want_end_;
            const auto gen = generation_;
            l.unlock();
            const auto t0 = std::chrono::steady_clock::now();
            auto s = acc_.snapshot(end);
            const double ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                    .count();
            l.lock();
            last_ms_ = ms;
            if (gen == generation_ && asked_)
                result_ = std::move(s);
        }
        busy_ = false;
        idle_.notify_all();
    }
}

} // namespace pollscope::app
