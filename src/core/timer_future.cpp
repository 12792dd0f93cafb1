#include "timer_future.h"

#include "resource.h"

#include <chrono>
#include <condition_variable>
#include <thread>

namespace pollscope {

struct TimerFuture::Inner final : TimerSource {
    std::shared_ptr<SharedState> state = std::make_shared<SharedState>();
    std::shared_ptr<Clock> clock;
    Instant deadline{};
    // Guarded by state->mutex:
    std::condition_variable cv;
    bool cancelled = false; // the future was destroyed
    bool due = false;       // virtual clock: the clock reached the deadline
    bool holding = false;   // virtual clock: fire_until gave the thread a clock hold

    // TimerSource (virtual clock only); called with the clock's lock held.
    std::optional<Instant> next_deadline() override {
        std::lock_guard lk(state->mutex);
        if (due || cancelled)
            return std::nullopt;
        return deadline;
    }
    void fire_until(Instant now) override {
        {
            std::lock_guard lk(state->mutex);
            if (due || cancelled || now < deadline)
                return;
            due = true;
            holding = true;
            clock->hold(); // handed to the timer thread: time stands still until it has woken the
                           // task
        }
        cv.notify_all();
    }

    void thread_main() {
        // Named, so that the trace shows who wakes the task.
        set_trace_thread_name("timer-future");
        std::unique_lock lk(state->mutex);
        if (clock->is_virtual()) {
            cv.wait(lk, [&] { return due || cancelled; });
        } else {
            // Sleeps until the deadline (as thread::sleep in the seed), but a
            // destroyed future ends the sleep early.
            auto wall = std::chrono::steady_clock::now() + (deadline - clock->now());
            cv.wait_until(lk, wall, [&] { return cancelled; });
        }
        bool hold = std::exchange(holding, false);
        std::optional<Waker> waker;
        if (!cancelled) {
            state->completed = true;
            waker = std::move(state->waker); // may be empty: fired before the first poll
            state->waker.reset();
        }
        lk.unlock();
        if (clock->is_virtual())
            clock->remove_source(this);
        if (waker)
            waker->wake(); // outside the lock: the wake may run an executor's schedule()
        if (hold)
            clock->release(); // after the wake: the woken task holds the clock now
    }
};

TimerFuture::TimerFuture(Duration duration, std::shared_ptr<Clock> clock)
    : inner_(std::make_shared<Inner>()) {
    inner_->clock = clock ? std::move(clock) : Clock::make_real();
    inner_->deadline = inner_->clock->now() + duration;
    if (inner_->clock->is_virtual()) {
        inner_->clock->add_source(inner_.get());
        // A zero duration is already due; nothing would advance the clock for it.
        inner_->fire_until(inner_->clock->now());
    }
    std::thread([inner = inner_] { inner->thread_main(); }).detach();
}

TimerFuture::~TimerFuture() {
    if (!inner_)
        return;                 // moved from
    std::optional<Waker> waker; // dropped outside the lock: dropping may destroy a task
    {
        std::lock_guard lk(inner_->state->mutex);
        inner_->cancelled = true;
        waker = std::move(inner_->state->waker);
        inner_->state->waker.reset();
    }
    inner_->cv.notify_all();
}

Poll<void> TimerFuture::poll(Context& cx) {
    std::lock_guard lk(inner_->state->mutex);
    if (inner_->state->completed)
        return Ready();
    auto& w = inner_->state->waker;
    if (!w || !w->will_wake(cx.waker()))
        w = cx.waker();
    note_waits_on(timer_future_resource());
    return Pending;
}

std::shared_ptr<TimerFuture::SharedState> TimerFuture::shared_state() const {
    return inner_->state;
}

bool TimerFuture::is_completed() const {
    std::lock_guard lk(inner_->state->mutex);
    return inner_->state->completed;
}

Instant TimerFuture::deadline() const noexcept {
    return inner_->deadline;
}

} // namespace pollscope
