// What goes wrong 3: a future that loses the waker.
//
// On the article's own executor (Example 2), a task awaits a timer future
// written by hand. The mistake (fixed=0): its poll() returns Pending but
// hands the seed's TimerFuture a waker of its own making instead of the
// task's, so the task's waker is stored nowhere. When the timer fires it
// wakes nobody: the task is never polled again, "bye" never comes. Nothing
// holds the task any more, so this executor drops it quietly and run()
// ends; on Tokio (and on our Runtime) the task would stay Pending for ever:
// a hang. The statistics say "lost waker".
//
// The fix (fixed=1): pass the task's Context on, so TimerFuture stores the
// task's waker on every poll, as the article's TimerFuture does.
#include "example_runs.h"

#include "channel_executor.h"
#include "timer_future.h"

#include <chrono>
#include <memory>
#include <string>

namespace pollscope::examples::detail {
namespace {

class ForgetfulTimer {
public:
    ForgetfulTimer(std::chrono::milliseconds d, std::shared_ptr<Clock> clock, bool fixed)
        : inner_(d, std::move(clock))
        , fixed_(fixed) {}

    Poll<void> poll(Context& cx) {
        if (fixed_)
            return inner_.poll(cx); // the task's waker is stored: the fix
        Waker nobody = Waker::noop();
        Context own(nobody);
        return inner_.poll(own); // MISTAKE: Pending, and no one will wake the task
    }

private:
    TimerFuture inner_;
    bool fixed_;
};

Task<void> hello_timer(std::shared_ptr<int> finished, std::shared_ptr<Clock> clock,
                       std::chrono::milliseconds d, bool fixed) {
    mark("hello, start timer!");
    co_await ForgetfulTimer(d, clock, fixed);
    mark("bye, timer finished!");
    ++*finished;
}

} // namespace

std::string run_lost_waker(const RunSetup& setup) {
    const auto d = std::chrono::milliseconds(setup.knob("duration", 10));
    const bool fixed = setup.knob("fixed", 0) != 0;
    auto finished = std::make_shared<int>(0);
    auto [executor, spawner] = new_executor_and_spawner(16, setup.hooks, setup.clock);
    spawner.spawn(hello_timer(finished, setup.clock, d, fixed), "hello_timer");
    { auto drop = std::move(spawner); }
    executor.run(); // returns once no sender (no spawner, no live task) is left
    if (*finished == 1)
        return "1 of 1 task finished: hello, start timer! ... bye, timer finished!";
    return "0 of 1 task finished: its waker was lost, it was never polled again (this executor "
           "dropped it; Tokio would keep it Pending for ever)";
}

} // namespace pollscope::examples::detail
