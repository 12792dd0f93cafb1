#pragma once
// Clock: real (steady) time, or virtual time that stands still while anything
// is runnable and jumps to the next deadline when nothing is (Tokio's paused
// time). Executors "hold" a virtual clock while they have work; when the last
// hold is released the clock advances to the earliest deadline and fires it.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace pollscope {

using Duration = std::chrono::nanoseconds;
/// Time since the clock's origin.
using Instant = std::chrono::nanoseconds;

/// Something with deadlines the virtual clock must honour (a timer wheel).
class TimerSource {
public:
    virtual ~TimerSource() = default;
    virtual std::optional<Instant> next_deadline() = 0;
    /// Fires every timer due at or before `now`.
    virtual void fire_until(Instant now) = 0;
};

class Clock {
public:
    static std::shared_ptr<Clock> make_real();
    static std::shared_ptr<Clock> make_virtual();
    explicit Clock(bool is_virtual);
    Clock(const Clock&) = delete;
    Clock& operator=(const Clock&) = delete;

    bool is_virtual() const noexcept { return virtual_; }
    Instant now() const noexcept {
        if (virtual_)
            return Instant(virtual_now_.load(std::memory_order_acquire));
        return std::chrono::duration_cast<Instant>(std::chrono::steady_clock::now() - origin_);
    }

    /// Something runnable exists (virtual clock only; free on a real clock).
    void hold() noexcept {
        if (virtual_)
            holds_.fetch_add(1, std::memory_order_acq_rel);
    }
    /// One hold ends; the last one lets virtual time advance.
    void release() noexcept {
        if (virtual_ && holds_.fetch_sub(1, std::memory_order_acq_rel) == 1)
            advance();
    }
    int holds() const noexcept { return holds_.load(std::memory_order_acquire); }
    /// Threads blocked in sleep_until on this (virtual) clock.
    std::size_t sleepers() const;

    /// Blocks the calling thread until `deadline`. On a virtual clock the thread
    /// returns holding the clock: call release() once its wake-up work is done.
    /// If nothing holds the clock when it is called, time jumps at once.
    void sleep_until(Instant deadline);
    /// The calling thread, which holds the clock, stays busy until `deadline`
    /// (a blocking call, or CPU work modelled on the virtual clock). On a
    /// virtual clock its hold is released while it waits, so time can reach
    /// the deadline, and it returns holding again; on a real clock it sleeps.
    void occupy_until(Instant deadline);

    void add_source(TimerSource* s);
    void remove_source(TimerSource* s);

    /// Advances virtual time now if nothing holds it (tests that drive a clock by hand).
    void advance();

private:
    struct Sleeper {
        bool woken = false;
    };

    const bool virtual_;
    const std::chrono::steady_clock::time_point origin_;
    std::atomic<std::int64_t> virtual_now_{0};
    std::atomic<int> holds_{0};
    mutable std::mutex m_;
    std::condition_variable cv_;
    std::multimap<Instant, Sleeper*> sleepers_;
    std::vector<TimerSource*> sources_;
};

} // namespace pollscope
