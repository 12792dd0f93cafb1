#pragma once
// LocalSet: the seed's Example 3 (Tokio's LocalSet). Tasks spawned with
// spawn_local() run only when the set is driven, one at a time, on the thread
// that polls the driving future, so they may share data that is not
// thread-safe (a plain counter, a non-atomic reference count like Rust's Rc)
// without locks. (std::shared_ptr's count is atomic: it is Arc, not Rc.) They
// never run concurrently with one another; driven from one thread (a one-worker
// Runtime, block_on_future) they all run on that thread. Rust checks this at
// compile time (spawn_local has no Send bound, tokio::spawn has); C++ cannot:
// nothing stops a task holding such data from being spawned elsewhere.
//
// Driving the set:
//   co_await local_set.run_until(future)  each poll runs the ready local tasks,
//                                         then polls `future`; Ready with its value.
//   co_await local_set                    (or run_all()) runs until every local
//                                         task is done.
// Local tasks' wakers may fire on any thread: the wake queues the task and
// wakes the outer waker (the task driving the set). sleep() inside a local
// task uses the timer wheel of the thread that polls, i.e. the runtime worker.

#include "context.h"
#include "hooks.h"
#include "join_handle.h"
#include "poll.h"
#include "raw_task.h"
#include "resource.h"
#include "task.h"
#include "task_lists.h"
#include "waker.h"

#include <cstddef>
#include <mutex>
#include <source_location>
#include <string_view>
#include <type_traits>
#include <utility>

namespace pollscope {

class LocalSet final : private Scheduler {
public:
    explicit LocalSet(Hooks* hooks = current_hooks());
    /// Cancels (destroys) every unfinished local task.
    ~LocalSet() override;
    LocalSet(const LocalSet&) = delete;
    LocalSet& operator=(const LocalSet&) = delete;

    /// Adds a task to the set. Runs nothing: the task waits for the set to be driven.
    template <class T>
    JoinHandle<T> spawn_local(Task<T> task, std::string_view name = {},
                              std::source_location loc = std::source_location::current()) {
        // References: the ready queue, the JoinHandle, the set's live list.
        auto* cell = new TaskCell<T>(std::move(task), this, hooks_, 3);
        add(cell, name, loc);
        return JoinHandle<T>(cell);
    }

    /// A future that runs the set while it waits for `future` (moved in when
    /// an rvalue, referred to when an lvalue).
    template <class F> class RunUntil {
    public:
        RunUntil(LocalSet& set, F&& f)
            : set_(&set)
            , future_(std::forward<F>(f)) {}
        auto poll(Context& cx) {
            set_->run_ready(cx);
            return future_.poll(cx);
        }

    private:
        LocalSet* set_;
        F future_; // a reference type for an lvalue
    };
    template <class F>
    requires Future<std::remove_reference_t<F>> RunUntil<F> run_until(F&& future) {
        return RunUntil<F>(*this, std::forward<F>(future));
    }

    /// Runs the ready tasks; Ready when no local task is left unfinished.
    /// This makes `co_await local_set` work.
    Poll<void> poll(Context& cx);

    class RunAll {
    public:
        explicit RunAll(LocalSet& set)
            : set_(&set) {}
        Poll<void> poll(Context& cx) { return set_->poll(cx); }

    private:
        LocalSet* set_;
    };
    RunAll run_all() { return RunAll(*this); }

    /// Runs the tasks queued now, one at a time, on the calling thread (tasks
    /// woken meanwhile wait for the next call, and the outer waker is woken
    /// for them). Stores cx's waker as the outer waker.
    void run_ready(Context& cx);

    /// Unfinished local tasks.
    std::size_t live_tasks() const;
    /// Tasks ready to run.
    std::size_t ready_tasks() const;
    Hooks* hooks() const noexcept { return hooks_; }

private:
    void add(RawTask* t, std::string_view name, std::source_location loc);
    void schedule(RawTask* t) override;
    void release(RawTask* t) noexcept override;
    /// Tells the hooks that `t` went to the back of ready_; called with m_
    /// held, so it is recorded before the poll that takes it out.
    void note_enqueue(RawTask* t);

    Hooks* const hooks_;
    mutable std::mutex m_;
    detail::TaskFifo ready_;
    detail::OwnedTasks live_; // each holds one reference, dropped at release()
    Waker outer_;
    bool running_ = false;
    bool closed_ = false;
    const Resource resource_{ResourceKind::LocalSet}; // a task awaiting the set waits on it
};

} // namespace pollscope
