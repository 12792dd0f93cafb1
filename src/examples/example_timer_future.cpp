// Example 1: build a timer future using Waker.
//
// TimerFuture (src/core/timer_future.h) is the seed's hand-written future. Its
// constructor starts a thread that sleeps for the duration, then sets
// `completed` and wakes the waker the last poll stored. Its poll() returns
// Ready if `completed`, else stores the task's waker and returns Pending.
//
// On the timeline: the task's first poll ends Pending at the co_await below;
// the wake comes from the timer thread (not from a task: "woken by a
// thread"); the next poll ends Ready.
#include "example_runs.h"

#include "time_driver.h"
#include "timer_future.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace pollscope::examples::detail {
namespace {

bool is_completed(const std::shared_ptr<TimerFuture::SharedState>& shared_state) {
    std::lock_guard lock(shared_state->mutex);
    return shared_state->completed;
}

// The seed's run_timer_future_with_tokio, run `timers` times in a row.
Task<std::string> run_timer_future_with_runtime(std::shared_ptr<Clock> clock,
                                                std::chrono::milliseconds duration, int timers) {
    const Instant started = now();
    for (int i = 1; i <= timers; ++i) {
        TimerFuture timer_future(duration, clock); // the timer thread starts now
        auto shared_state = timer_future.shared_state();
        // The seed's assert!(!completed): the timer cannot have fired yet (on
        // the virtual clock time stands still while this task runs).
        if (is_completed(shared_state))
            throw std::logic_error("assert!(!completed) failed: the timer fired before the await");
        mark("TimerFuture is not completed");
        co_await timer_future; // Pending until the timer thread calls wake()
        if (!is_completed(shared_state))
            throw std::logic_error("TimerFuture was Ready before it completed");
        mark("TimerFuture is completed");
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now() - started);
    co_return std::to_string(timers) + (timers == 1 ? " timer" : " timers") + " of " +
        std::to_string(duration.count()) + " ms completed after " +
        std::to_string(elapsed.count()) + " ms";
}

} // namespace

std::string run_timer_future(const RunSetup& setup) {
    // #[tokio::test] runs on one thread: a one-worker Runtime.
    return on_runtime(setup, 1, "run_timer_future", [&setup](Runtime&) {
        return run_timer_future_with_runtime(setup.clock,
                                             std::chrono::milliseconds(setup.knob("duration", 10)),
                                             setup.knob("timers", 1));
    });
}

} // namespace pollscope::examples::detail
