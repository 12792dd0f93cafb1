// What goes wrong 1: blocking a worker.
//
// Three "file copies" of 100, 200 and 300 ms, joined in one task on ONE
// worker. The mistake (fixed=0): each copy is synchronous (a blocking call,
// like std::this_thread::sleep_for or a plain file copy) and runs inside
// the poll: the worker can do nothing else, the copies run one after
// another, and the join takes 600 ms in a single poll ("long poll").
//
// The fix (fixed=1): spawn_blocking() moves each copy to the blocking pool
// (threads "blocking-N", lanes of their own); the task awaits the three
// handles, Pending, and the worker stays free. 300 ms: the copies overlap.
//
// On the virtual clock a blocking call is modelled: it occupies its thread
// for exactly that much virtual time (src/core/cpu_work.h).
#include "example_runs.h"

#include "cpu_work.h"
#include "join.h"
#include "time_driver.h"

#include <chrono>
#include <string>

namespace pollscope::examples::detail {
namespace {

using std::chrono::milliseconds;

Task<void> copy_file(std::string name, milliseconds time, bool fixed) {
    Clock* clock = &Runtime::current()->clock();
    if (!fixed) {
        block_thread(*clock, time); // MISTAKE: blocks the worker inside the poll
    } else {
        co_await spawn_blocking([clock, time] { block_thread(*clock, time); }); // the fix
    }
    mark(name + " copied");
}

Task<std::string> copy_three(std::array<milliseconds, 3> times, bool fixed) {
    const Instant started = now();
    co_await join(copy_file("file_1", times[0], fixed), copy_file("file_2", times[1], fixed),
                  copy_file("file_3", times[2], fixed));
    const auto took = std::chrono::duration_cast<milliseconds>(now() - started).count();
    co_return "3 files copied after " + std::to_string(took) + " ms on 1 worker" +
        (fixed ? " (spawn_blocking: the copies overlapped)"
               : " (blocking calls in the poll: one after another)");
}

} // namespace

std::string run_blocking_worker(const RunSetup& setup) {
    const std::array<milliseconds, 3> times{milliseconds(setup.knob("copy_1", 100)),
                                            milliseconds(setup.knob("copy_2", 200)),
                                            milliseconds(setup.knob("copy_3", 300))};
    const bool fixed = setup.knob("fixed", 0) != 0;
    return on_runtime(setup, 1, "copy_three", [&](Runtime&) { return copy_three(times, fixed); });
}

} // namespace pollscope::examples::detail
