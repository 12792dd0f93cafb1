// Example 4: join, select and spawn, the control-flow constructors.
//
//   join    runs task_1, task_2 and task_3 concurrently inside one task and
//           is Ready when all three are: the main task is woken three times.
//   select  races the three futures inside one task, as tokio::select! does:
//           the first to finish wins and the two losers are destroyed before
//           select returns (their frames' destructors mark "destroyed").
//           Ours tries the branches in order; tokio::select! picks a random
//           ready branch unless `biased;`. The "spawned" knob runs each as its
//           own task instead and aborts the losers' handles (in Tokio,
//           dropping a JoinHandle would only detach the task).
//   spawn   hands each to the runtime: they run in parallel, on whichever of
//           the five workers is free, and the main task awaits their handles.
//           Each first computes ("cpu" knob, 100 ms): three workers compute
//           at once, so the run takes cpu + sleep on 5 workers and
//           3 x cpu + sleep on 1. The "tasks" knob spawns more of them (task_4
//           on): the spawning worker's run queue fills and idle workers
//           steal half of it, as the queues panel shows.
#include "example_runs.h"

#include "cpu_work.h"
#include "join.h"
#include "select.h"
#include "time_driver.h"

#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace pollscope::examples::detail {
namespace {

using std::chrono::milliseconds;

// What the seed prints, in order, and which workers printed it.
struct Log {
    std::mutex mutex;
    std::vector<std::string> lines;
    std::set<int> workers;  // printed on
    std::set<int> computed; // did their CPU work on
    int destroyed = 0;      // task frames destroyed before they finished
    void println(std::string line) {
        mark(line);
        std::lock_guard lock(mutex);
        lines.push_back(std::move(line));
        workers.insert(Runtime::current_worker());
    }
    std::string joined() {
        std::lock_guard lock(mutex);
        std::string out;
        for (const auto& line : lines)
            out += (out.empty() ? "" : ", ") + line;
        return out;
    }
};

// CPU work between awaits: keeps this worker busy for `cpu` (modelled on the
// virtual clock: the worker is occupied for that much virtual time).
void compute(Log& log, milliseconds cpu) {
    if (cpu.count() <= 0)
        return;
    {
        std::lock_guard lock(log.mutex);
        log.computed.insert(Runtime::current_worker());
    }
    burn_cpu(Runtime::current()->clock(), cpu);
}

// Lives in a task's frame: its destructor tells a frame destroyed before its
// end (a select loser) from one that finished.
struct DropProbe {
    Log* log;
    const char* name;
    bool finished = false;
    ~DropProbe() {
        if (finished)
            return;
        mark(std::string(name) + " destroyed");
        std::lock_guard lock(log->mutex);
        ++log->destroyed;
    }
};

Task<void> task_1(std::shared_ptr<Log> log, milliseconds time, milliseconds cpu = {}) {
    DropProbe probe{log.get(), "task_1"};
    compute(*log, cpu);
    co_await sleep(time);
    log->println("task_1");
    probe.finished = true;
}

Task<void> task_2(std::shared_ptr<Log> log, milliseconds time, milliseconds cpu = {}) {
    DropProbe probe{log.get(), "task_2"};
    compute(*log, cpu);
    co_await sleep(time);
    log->println("task_2");
    probe.finished = true;
}

Task<void> task_3(std::shared_ptr<Log> log, milliseconds time, milliseconds cpu = {}) {
    DropProbe probe{log.get(), "task_3"};
    compute(*log, cpu);
    co_await sleep(time);
    log->println("task_3");
    probe.finished = true;
}

// The "tasks" knob's extra tasks (task_4 and on): compute, sleep, print.
Task<void> task_n(std::shared_ptr<Log> log, std::string name, milliseconds sleeps,
                  milliseconds cpu) {
    DropProbe probe{log.get(), name.c_str()};
    compute(*log, cpu);
    co_await sleep(sleeps);
    log->println(name);
    probe.finished = true;
}

std::string after(Instant started) {
    return " (after " +
           std::to_string(std::chrono::duration_cast<milliseconds>(now() - started).count()) +
           " ms)";
}

Task<std::string> test_join(std::shared_ptr<Log> log, std::array<milliseconds, 3> times) {
    const Instant started = now();
    co_await join(task_1(log, times[0]), task_2(log, times[1]), task_3(log, times[2]));
    log->println("all tasks done");
    co_return log->joined() + after(started);
}

// The seed's test_select: three futures raced inside this one task.
Task<std::string> test_select(std::shared_ptr<Log> log, std::array<milliseconds, 3> times) {
    const Instant started = now();
    auto r = co_await select(task_1(log, times[0]), task_2(log, times[1]), task_3(log, times[2]));
    int destroyed = 0;
    {
        std::lock_guard lock(log->mutex);
        destroyed = log->destroyed; // the losers are gone already
    }
    log->println("task_" + std::to_string(r.index + 1) + " done");
    log->println("one task done");
    co_return log->joined() + "; " + std::to_string(destroyed) +
        " losers destroyed before select returned" + after(started);
}

// A variant: each future as its own spawned task, the losers' handles aborted.
Task<std::string> test_select_spawned(std::shared_ptr<Log> log, std::array<milliseconds, 3> times) {
    const Instant started = now();
    std::array<JoinHandle<void>, 3> handles{spawn(task_1(log, times[0]), "task_1"),
                                            spawn(task_2(log, times[1]), "task_2"),
                                            spawn(task_3(log, times[2]), "task_3")};
    auto r = co_await select(by_ref(handles[0]), by_ref(handles[1]), by_ref(handles[2]));
    log->println("task_" + std::to_string(r.index + 1) + " done");
    // select! drops the losers; a dropped handle would only detach its task,
    // so cancel them, and wait until they are gone.
    int cancelled = 0;
    for (std::size_t i = 0; i < handles.size(); ++i) {
        if (i == r.index)
            continue;
        handles[i].abort();
        try {
            co_await handles[i];
        } catch (const TaskCancelled&) {
            mark("task_" + std::to_string(i + 1) + " cancelled");
            ++cancelled;
        }
    }
    log->println("one task done");
    co_return log->joined() + "; " + std::to_string(cancelled) + " cancelled" + after(started);
}

Task<std::string> test_spawn(std::shared_ptr<Log> log, std::array<milliseconds, 3> times,
                             milliseconds cpu, int tasks) {
    const Instant started = now();
    auto handle_1 = spawn(task_1(log, times[0], cpu), "task_1");
    auto handle_2 = spawn(task_2(log, times[1], cpu), "task_2");
    auto handle_3 = spawn(task_3(log, times[2], cpu), "task_3");
    std::vector<JoinHandle<void>> more;
    for (int i = 4; i <= tasks; ++i) {
        const std::string name = "task_" + std::to_string(i);
        more.push_back(spawn(task_n(log, name, times[2], cpu), name));
    }
    co_await handle_1;
    co_await handle_2;
    co_await handle_3;
    for (auto& h : more)
        co_await h;
    log->println("all tasks done");
    // The workers that computed (when there was CPU work), else those that printed.
    std::size_t workers = 0;
    {
        std::lock_guard lock(log->mutex);
        workers = cpu.count() > 0 ? log->computed.size() : log->workers.size();
    }
    co_return log->joined() + after(started) + (cpu.count() > 0 ? " computed on " : " on ") +
        std::to_string(workers) + (workers == 1 ? " worker" : " workers");
}

using Main = Task<std::string> (*)(std::shared_ptr<Log>, std::array<milliseconds, 3>);

std::string run_with(const RunSetup& setup, const char* name, Main main, int default_workers,
                     std::array<int, 3> default_times) {
    const std::array<milliseconds, 3> times{milliseconds(setup.knob("task_1", default_times[0])),
                                            milliseconds(setup.knob("task_2", default_times[1])),
                                            milliseconds(setup.knob("task_3", default_times[2]))};
    return on_runtime(setup, setup.knob("workers", default_workers), name,
                      [&](Runtime&) { return main(std::make_shared<Log>(), times); });
}

} // namespace

std::string run_join(const RunSetup& setup) {
    return run_with(setup, "test_join", test_join, 1, {100, 200, 300});
}

std::string run_select(const RunSetup& setup) {
    if (setup.knob("spawned", 0))
        return run_with(setup, "test_select_spawned", test_select_spawned, 1, {100, 200, 300});
    return run_with(setup, "test_select", test_select, 1, {100, 200, 300});
}

std::string run_spawn(const RunSetup& setup) {
    const std::array<milliseconds, 3> times{milliseconds(setup.knob("task_1", 100)),
                                            milliseconds(setup.knob("task_2", 100)),
                                            milliseconds(setup.knob("task_3", 100))};
    const milliseconds cpu(setup.knob("cpu", 100));
    const int tasks = setup.knob("tasks", 3);
    return on_runtime(setup, setup.knob("workers", 5), "test_spawn", [&](Runtime&) {
        return test_spawn(std::make_shared<Log>(), times, cpu, tasks);
    });
}

} // namespace pollscope::examples::detail
