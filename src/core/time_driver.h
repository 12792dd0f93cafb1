#pragma once
// TimeDriver: a hierarchical timer wheel (6 levels x 64 slots, 1 ms ticks, as
// in Tokio) that wakes sleeping tasks. A Runtime owns one and its workers
// drive it; sleep() finds the driver of the thread that polls it.

#include "clock.h"
#include "context.h"
#include "poll.h"
#include "resource.h"
#include "waker.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <source_location>

namespace pollscope {

class TimeDriver;

namespace detail {
struct TimerEntry {
    std::uint64_t deadline_tick = 0;
    Waker waker;
    TimerEntry* prev = nullptr;
    TimerEntry* next = nullptr;
    int level = -1; // -1: not in the wheel
    int slot = 0;
    std::atomic<bool> fired{false};
};
} // namespace detail

class TimeDriver final : public TimerSource {
public:
    static constexpr int kLevels = 6;
    static constexpr int kSlots = 64;
    static constexpr Duration kTick = std::chrono::milliseconds(1);

    explicit TimeDriver(std::shared_ptr<Clock> clock);
    ~TimeDriver() override;
    TimeDriver(const TimeDriver&) = delete;
    TimeDriver& operator=(const TimeDriver&) = delete;

    Clock& clock() const noexcept { return *clock_; }
    const std::shared_ptr<Clock>& shared_clock() const noexcept { return clock_; }

    /// Adds or updates an entry; returns false when its deadline already passed.
    bool arm(detail::TimerEntry& e, Instant deadline, const Waker& waker);
    void disarm(detail::TimerEntry& e) noexcept;

    /// Fires every timer due at the clock's now; returns how many fired.
    std::size_t process();
    std::optional<Instant> next_deadline() override;
    void fire_until(Instant now) override;
    /// Entries in the wheel (for tests and shutdown checks).
    std::size_t armed() const;

    /// The executor's thread that sleeps with the driver records until when
    /// (in ticks; UINT64_MAX: no timer, 0: nobody sleeps); arming an earlier
    /// timer calls `fn`.
    void set_park_notifier(void (*fn)(void*), void* ctx) noexcept;
    void set_parked_until(std::uint64_t tick) noexcept {
        parked_until_.store(tick, std::memory_order_release);
    }
    static std::uint64_t tick_ceil(Instant t) noexcept {
        // no `+ tick - 1`: that overflows for deadlines near Instant::max()
        auto ns = t.count();
        return ns <= 0 ? 0 : std::uint64_t(ns / kTick.count() + (ns % kTick.count() != 0));
    }
    /// The latest deadline a sleep gets (Tokio's far future: about 30 years
    /// from now); longer sleeps, up to Duration::max(), are clamped to it.
    static constexpr Duration kFarFuture = std::chrono::hours(24 * 365 * 30);

    /// The driver of the executor polling on this thread, or nullptr.
    static TimeDriver* current() noexcept;
    static void set_current(TimeDriver* d) noexcept;

private:
    std::uint64_t tick_of(Instant t) const noexcept;
    void insert(detail::TimerEntry& e);
    void unlink(detail::TimerEntry& e) noexcept;
    std::size_t fire_locked(std::uint64_t now_tick, std::unique_lock<std::mutex>& lk);
    std::optional<std::uint64_t> next_tick_locked() const;
    std::uint64_t slot_due_locked(int level, int& slot) const;

    std::shared_ptr<Clock> clock_;
    mutable std::mutex m_;
    std::uint64_t elapsed_ = 0; // ticks processed so far
    std::size_t count_ = 0;
    std::array<std::array<detail::TimerEntry*, kSlots>, kLevels> slots_{};
    std::array<std::uint64_t, kLevels> occupied_{};
    std::atomic<std::uint64_t> parked_until_{0};
    void (*on_earlier_deadline_)(void*) = nullptr;
    void* notify_ctx_ = nullptr;
};

/// A future that is Ready at its deadline (Tokio's Sleep).
class [[nodiscard]] Sleep {
public:
    Sleep(Instant deadline, TimeDriver* driver) noexcept
        : deadline_(deadline)
        , driver_(driver)
        , resource_(ResourceKind::Sleep, {}, deadline.count()) {}
    Sleep(Sleep&& o) noexcept
        : deadline_(o.deadline_)
        , driver_(o.driver_)
        , resource_(o.resource_) {}
    Sleep(const Sleep&) = delete;
    Sleep& operator=(const Sleep&) = delete;
    ~Sleep();

    Poll<void> poll(Context& cx);
    Instant deadline() const noexcept { return deadline_; }

private:
    Instant deadline_;
    TimeDriver* driver_;
    bool armed_ = false; // touched only by the polling task
    detail::TimerEntry entry_;
    Resource resource_; // param: the deadline (the clock's ns); a recorder shows the time left
};

/// Sleeps on the current executor's timer wheel (throws std::logic_error outside one).
Sleep sleep(Duration d);
Sleep sleep_until(Instant deadline);
/// The current executor's clock time.
Instant now();

} // namespace pollscope
