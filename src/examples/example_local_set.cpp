// Example 3: running async code, concurrently, on a single thread.
//
// A LocalSet (src/core/local_set.h) runs its tasks one at a time on the
// thread that drives it, so they may share data that is not thread-safe:
// here a std::shared_ptr<std::string> (the seed's Rc<&str>) read by every
// block, and a log string every block appends to, neither behind a lock.
// spawn_local() runs nothing by itself: the set runs its tasks while it is
// driven, by run_until(future) or by awaiting the set.
//
// On the timeline: one worker thread; the main task drives the set, so the
// local tasks' polls happen inside the main task's polls.
#include "example_runs.h"

#include "local_set.h"
#include "time_driver.h"

#include <chrono>
#include <memory>
#include <string>

namespace pollscope::examples::detail {
namespace {

using std::chrono::milliseconds;

void say(const std::shared_ptr<std::string>& log, const char* when,
         const std::shared_ptr<std::string>& non_send_data) {
    std::string line = std::string(when) + " " + *non_send_data;
    mark(line);
    if (!log->empty())
        *log += ", ";
    *log += line; // no lock: only this thread ever touches it
}

Task<void> async_block_1(std::shared_ptr<std::string> non_send_data,
                         std::shared_ptr<std::string> log) {
    say(log, "start", non_send_data);
    co_return;
}

Task<void> async_block_2(std::shared_ptr<std::string> non_send_data,
                         std::shared_ptr<std::string> log, milliseconds time) {
    co_await sleep(time);
    say(log, "middle", non_send_data);
}

Task<void> async_block_3(std::shared_ptr<std::string> non_send_data,
                         std::shared_ptr<std::string> log, milliseconds time) {
    co_await sleep(time);
    say(log, "end", non_send_data);
}

// The seed's run_local_set_and_spawn_local.
Task<std::string> run_local_set_and_spawn_local(milliseconds middle, milliseconds end) {
    // Can't be shared across threads without a lock; on one thread it is fine.
    auto non_send_data = std::make_shared<std::string>("!SEND DATA");
    auto log = std::make_shared<std::string>();
    LocalSet local_set;

    // Spawn a local task (bound to this thread). Does not run anything.
    auto join_handle_1 = local_set.spawn_local(async_block_1(non_send_data, log), "async_block_1");
    // This is required to run async_block_1.
    co_await local_set.run_until(std::move(join_handle_1));

    // A future run by the set without being spawned.
    co_await local_set.run_until(async_block_2(non_send_data, log, middle));

    // Spawn another local task; it won't run until the set is awaited.
    auto join_handle_3 =
        local_set.spawn_local(async_block_3(non_send_data, log, end), "async_block_3");
    (void)join_handle_3;
    co_await local_set; // runs every local task to completion
    co_return *log;
}

} // namespace

std::string run_local_set(const RunSetup& setup) {
    return on_runtime(setup, 1, "run_local_set_and_spawn_local", [&setup](Runtime&) {
        return run_local_set_and_spawn_local(milliseconds(setup.knob("middle", 100)),
                                             milliseconds(setup.knob("end", 100)));
    });
}

} // namespace pollscope::examples::detail
