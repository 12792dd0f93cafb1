#pragma once
// TimerFuture: the seed's Example 1, a hand-written future. A thread sleeps for
// the duration, then sets `completed` and wakes the waker the last poll stored.
// Each poll stores the current waker, because the future may have moved to
// another task since the previous poll.
//
// Fixed from the seed: a timer that fires before the first poll finds no
// waker; it only sets `completed`, and the first poll sees it (the seed's
// `waker.take().unwrap()` panics there).
//
// The thread is detached and shares state through shared_ptrs, so destroying
// the future early is safe at any moment: the destructor cancels the timer and
// the thread exits promptly on either kind of clock.
//
// On a virtual clock the timer thread does not call Clock::sleep_until: a
// thread that registers as a sleeper only after its creator released the clock
// could miss the jump and sleep forever. Instead the deadline is registered
// with the clock (as a TimerSource) in the constructor, before the creator can
// release its hold; when the clock reaches it, the thread wakes holding the
// clock, wakes the task and then releases, so time cannot run past the wake.

#include "clock.h"
#include "context.h"
#include "poll.h"
#include "waker.h"

#include <memory>
#include <mutex>
#include <optional>

namespace pollscope {

class TimerFuture {
public:
    /// What the future and its thread share (as in the seed).
    struct SharedState {
        std::mutex mutex;
        bool completed = false;
        std::optional<Waker> waker;
    };

    /// Starts the timer thread at once. `clock` null: a real clock.
    explicit TimerFuture(Duration duration, std::shared_ptr<Clock> clock = nullptr);
    TimerFuture(TimerFuture&&) noexcept = default;
    TimerFuture& operator=(TimerFuture&&) = delete;
    TimerFuture(const TimerFuture&) = delete;
    TimerFuture& operator=(const TimerFuture&) = delete;
    /// Cancels a timer that has not fired; never blocks.
    ~TimerFuture();

    Poll<void> poll(Context& cx);

    /// The state the timer thread writes: lets a test check `completed`.
    std::shared_ptr<SharedState> shared_state() const;
    /// completed, read under the mutex.
    bool is_completed() const;
    /// The clock time at which the timer fires.
    Instant deadline() const noexcept;

    struct Inner; // shared with the timer thread

private:
    std::shared_ptr<Inner> inner_;
};

} // namespace pollscope
