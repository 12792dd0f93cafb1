// Example 2: build an async runtime to run futures to completion.
//
// ChannelExecutor + Spawner (src/core/channel_executor.h) are the seed's
// Executor and Spawner: tasks travel through a bounded channel (capacity
// MAX_TASKS); run() pops a task, polls it once on this thread, and forgets it.
// A task that returns Pending is sent back into the channel by its waker;
// run() ends when every Spawner (and every unfinished task) is gone. Unlike
// the seed, a task sits in the channel at most once however often it is woken.
// A full channel: the seed's send() blocks (a deadlock before run()), ours
// throws ChannelFull (the "capacity" knob shows it).
//
// On the timeline: each task says "hello, start timer!", ends its first poll
// Pending at the TimerFuture, is woken by the timer thread (which sends it
// back into the channel), and its second poll says "bye, timer finished!".
#include "example_runs.h"

#include "channel_executor.h"
#include "timer_future.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace pollscope::examples::detail {
namespace {

// The seed's `results`: Arc<Mutex<Vec<&str>>>.
struct Results {
    std::mutex mutex;
    std::vector<std::string> lines;
    void push(std::string line) {
        mark(line);
        std::lock_guard lock(mutex);
        lines.push_back(std::move(line));
    }
};

// The seed's async block.
Task<void> hello_timer(std::shared_ptr<Results> results, std::shared_ptr<Clock> clock,
                       std::chrono::milliseconds duration) {
    results->push("hello, start timer!");
    co_await TimerFuture(duration, clock); // Pending: the waker sends us back
    results->push("bye, timer finished!");
}

} // namespace

// The seed's run_executor_and_spawner, with `tasks` tasks.
std::string run_executor(const RunSetup& setup) {
    const int tasks = setup.knob("tasks", 1);
    const auto duration = std::chrono::milliseconds(setup.knob("duration", 10));
    const auto max_tasks = std::size_t(setup.knob("capacity", 10'000));

    auto results = std::make_shared<Results>();
    auto [executor, spawner] = new_executor_and_spawner(max_tasks, setup.hooks, setup.clock);
    int refused = 0;
    for (int i = 1; i <= tasks; ++i) {
        // Rust's SyncSender::send() would block here, on a full channel, with
        // run() not started yet: a deadlock. Ours throws ChannelFull instead.
        try {
            spawner.spawn(hello_timer(results, setup.clock, duration), "task " + std::to_string(i));
        } catch (const ChannelFull&) {
            mark("ChannelFull: task " + std::to_string(i) + " refused (Rust: send() blocks)");
            ++refused;
        }
    }
    { auto drop = std::move(spawner); } // drop(spawner): run() can end
    executor.run();                     // polls on this thread until no sender is left

    std::lock_guard lock(results->mutex);
    std::size_t bye = 0;
    for (const auto& line : results->lines)
        bye += line == "bye, timer finished!";
    std::string out = std::to_string(bye) + " of " + std::to_string(tasks) +
                      (tasks == 1 ? " task" : " tasks") +
                      ": hello, start timer! ... bye, timer finished!";
    if (refused)
        out += "; " + std::to_string(refused) + " refused with ChannelFull (capacity " +
               std::to_string(max_tasks) +
               "): in Rust, send() would block for ever (deadlock: run() has not started)";
    return out;
}

} // namespace pollscope::examples::detail
