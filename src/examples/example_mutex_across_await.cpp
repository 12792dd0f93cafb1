// What goes wrong 2: a std::mutex guard held across co_await.
//
// Two tasks on ONE worker each lock a mutex, then await a 50 ms sleep (a
// "network call") while holding it. The mistake (fixed=0): a std::mutex.
// The first task to run locks it and sleeps (Pending, still locked). The
// other's lock() blocks the thread: the only worker, the one the first
// needs to finish and unlock. A real program deadlocks here; ours gives up
// after `give_up` ms so the run ends ("long poll": the worker was stuck in
// that poll). (Resumed on another worker, the first would also unlock a
// std::mutex from a thread that does not own it: undefined behaviour.)
//
// The fix (fixed=1): an async Mutex (src/core/async_mutex.h): the second
// task's `co_await lock()` is Pending while the first holds it, the worker
// runs the first, whose guard unlocks and hands the lock on. 100 ms, no
// warning. (Or drop the guard before the await.)
#include "example_runs.h"

#include "async_mutex.h"
#include "cpu_work.h"
#include "time_driver.h"

#include <chrono>
#include <mutex>
#include <string>

namespace pollscope::examples::detail {
namespace {

using std::chrono::milliseconds;

struct Shared {
    std::mutex std_mutex; // the mistake
    int std_counter = 0;
    Mutex<int> async_mutex; // the fix: the counter lives inside it
};

// std::mutex::lock(), but giving up after `give_up` so the example ends.
bool lock_blocking(std::unique_lock<std::mutex>& guard, milliseconds give_up) {
    Clock& clock = Runtime::current()->clock();
    const Instant until = clock.now() + give_up;
    while (!guard.try_lock()) {
        if (clock.now() >= until)
            return false;
        block_thread(clock, milliseconds(1)); // the worker is blocked, as in lock()
    }
    return true;
}

Task<std::string> update(Shared* shared, std::string name, milliseconds hold, milliseconds give_up,
                         bool fixed) {
    if (fixed) {
        auto guard = co_await shared->async_mutex.lock(); // Pending while locked
        co_await sleep(hold);                             // held across the await: fine
        ++*guard;
        co_return name + " updated";
    }
    std::unique_lock guard(shared->std_mutex, std::defer_lock);
    if (!lock_blocking(guard, give_up)) {
        mark(name + " gave up: the worker was blocked");
        co_return name + " gave up after " + std::to_string(give_up.count()) + " ms";
    }
    co_await sleep(hold); // MISTAKE: the std::mutex stays locked across the await
    ++shared->std_counter;
    co_return name + " updated";
}

Task<std::string> two_updates(milliseconds hold, milliseconds give_up, bool fixed) {
    const Instant started = now();
    Shared shared;
    auto a = spawn(update(&shared, "a", hold, give_up, fixed), "update a");
    auto b = spawn(update(&shared, "b", hold, give_up, fixed), "update b");
    std::string out = co_await a;
    out += ", " + co_await b;
    const auto took = std::chrono::duration_cast<milliseconds>(now() - started).count();
    co_return out + " (after " + std::to_string(took) + " ms)";
}

} // namespace

std::string run_mutex_across_await(const RunSetup& setup) {
    const milliseconds hold(setup.knob("hold", 50));
    const milliseconds give_up(setup.knob("give_up", 1000));
    const bool fixed = setup.knob("fixed", 0) != 0;
    return on_runtime(setup, 1, "two_updates",
                      [&](Runtime&) { return two_updates(hold, give_up, fixed); });
}

} // namespace pollscope::examples::detail
