#pragma once
// Runtime: a multi-threaded work-stealing executor (after Tokio's): N named
// worker threads, each with a bounded local queue and a LIFO slot for the task
// it just woke, one shared injection queue for wakes from outside, a timer
// wheel, and a shutdown that cancels every unfinished task.

#include "blocking_pool.h"
#include "clock.h"
#include "hooks.h"
#include "join_handle.h"
#include "raw_task.h"
#include "task.h"
#include "time_driver.h"

#include <cstdint>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

namespace pollscope {

struct RuntimeOptions {
    int workers = 2;
    std::string thread_name = "pollscope-wrk"; // threads are named thread_name-N
    // null: default_hooks() (default_hooks.h: what a trace::Recording installs), if any
    Hooks* hooks = nullptr;
    std::shared_ptr<Clock> clock; // null: a real clock
};

struct WorkerStats {
    std::uint64_t polls = 0;        // tasks this worker ran
    std::uint64_t steal_ops = 0;    // successful steals from another worker
    std::uint64_t stolen_tasks = 0; // tasks moved by those steals
    std::uint64_t parks = 0;
};

class Runtime {
public:
    explicit Runtime(RuntimeOptions options = {});
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    /// Starts the task on the runtime; the handle may be dropped to detach it.
    template <class T>
    JoinHandle<T> spawn(Task<T> task, std::string_view name = {},
                        std::source_location loc = std::source_location::current()) {
        auto* cell = new TaskCell<T>(std::move(task), scheduler(), hooks(), 3);
        submit_new(cell, name, loc);
        return JoinHandle<T>(cell);
    }

    /// Runs the task to completion on the runtime and returns its value (or
    /// rethrows). Call from a plain thread, never from a worker.
    template <class T>
    T block_on(Task<T> task, std::string_view name = "block_on",
               std::source_location loc = std::source_location::current()) {
        if (current())
            throw std::logic_error("pollscope::Runtime::block_on called from a worker thread");
        return spawn(std::move(task), name, loc).get();
    }

    /// Stops the workers, cancels (destroys) every unfinished task, joins the
    /// threads. Idempotent; the destructor calls it.
    void shutdown();
    /// shutdown() has begun: workers stop taking tasks, new ones are cancelled.
    bool shutting_down() const noexcept;

    int worker_count() const noexcept;
    Clock& clock() const noexcept;
    TimeDriver& time_driver() noexcept;
    Hooks* hooks() const noexcept;
    std::vector<WorkerStats> worker_stats() const;
    /// Live tasks (spawned, not yet complete).
    std::size_t live_tasks() const;
    /// The pool spawn_blocking() runs jobs on (threads "blocking-N", started
    /// on demand; shut down first by shutdown()).
    BlockingPool& blocking_pool() noexcept { return *blocking_; }

    /// The runtime whose worker is running on this thread, or nullptr.
    static Runtime* current() noexcept;
    /// Index of the current worker thread, or -1.
    static int current_worker() noexcept;

    struct Shared;

private:
    Scheduler* scheduler() noexcept;
    void submit_new(RawTask* task, std::string_view name, std::source_location loc);
    std::unique_ptr<Shared> shared_;
    std::unique_ptr<BlockingPool> blocking_; // destroyed before shared_
};

/// Spawns on the runtime of the current worker (throws std::logic_error outside one).
template <class T>
JoinHandle<T> spawn(Task<T> task, std::string_view name = {},
                    std::source_location loc = std::source_location::current()) {
    auto* rt = Runtime::current();
    if (!rt)
        throw std::logic_error("pollscope::spawn called outside a Runtime worker");
    return rt->spawn(std::move(task), name, loc);
}

/// Runs `f` on the current runtime's blocking pool (Tokio's
/// task::spawn_blocking); `co_await` the handle for its result. Throws
/// std::logic_error outside a Runtime worker.
template <class F> auto spawn_blocking(F f) {
    auto* rt = Runtime::current();
    if (!rt)
        throw std::logic_error("pollscope::spawn_blocking called outside a Runtime worker");
    return spawn_blocking(rt->blocking_pool(), std::move(f));
}

} // namespace pollscope
