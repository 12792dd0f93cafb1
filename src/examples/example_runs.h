#pragma once
// Internal to the registry: each example file's run function and the helpers
// they share. Not installed for the app: it includes core headers with Qt
// keywords switched off (broadcast.h has a member named `slots`).

#include "example_registry.h"
#include "runtime.h"

#include <source_location>
#include <string>
#include <utility>

namespace pollscope::examples::detail {

std::string run_timer_future(const RunSetup& setup);
std::string run_executor(const RunSetup& setup);
std::string run_local_set(const RunSetup& setup);
std::string run_join(const RunSetup& setup);
std::string run_select(const RunSetup& setup);
std::string run_spawn(const RunSetup& setup);
std::string run_stream(const RunSetup& setup);
std::string run_event_loop(const RunSetup& setup);
// What goes wrong: the article's pitfalls, each with its fix (knob "fixed").
std::string run_blocking_worker(const RunSetup& setup);
std::string run_mutex_across_await(const RunSetup& setup);
std::string run_lost_waker(const RunSetup& setup);
std::string run_cancel_unsafe_select(const RunSetup& setup);
std::string run_late_subscriber(const RunSetup& setup);
std::string run_unbounded_spawn(const RunSetup& setup);

/// Clears the control's handlers when the run ends, before its runtime dies.
struct ControlGuard {
    ExampleControl* control;
    ~ControlGuard() {
        if (control)
            control->clear();
    }
};

/// Runs the task `make_main(runtime)` returns on a fresh Runtime with the
/// setup's hooks and clock; Reset (ExampleControl::abort) shuts it down. The
/// main task's spawn site is the caller's line.
template <class F>
std::string on_runtime(const RunSetup& setup, int workers, std::string_view main_name, F make_main,
                       std::source_location loc = std::source_location::current()) {
    Runtime rt(
        {.workers = workers, .thread_name = "worker", .hooks = setup.hooks, .clock = setup.clock});
    ControlGuard guard{setup.control};
    if (setup.control)
        setup.control->set_abort_handler([&rt] { rt.shutdown(); });
    try {
        return rt.block_on(make_main(rt), main_name, loc);
    } catch (const TaskCancelled&) {
        return "stopped: the run was aborted";
    }
}

} // namespace pollscope::examples::detail
