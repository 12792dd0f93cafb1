#pragma once
// RawTask: a spawned task as executors see it: state, reference count, queue
// link and the type-erased poll. TaskCell<T> adds the coroutine and its output.
// Every executor (Runtime, LocalSet, ChannelExecutor) schedules RawTasks and
// reports each transition to its Hooks from here, so all trace alike.

#include "hooks.h"
#include "task.h"
#include "task_state.h"
#include "unit.h"
#include "waker.h"

#include <atomic>
#include <exception>
#include <source_location>
#include <stdexcept>
#include <string_view>
#include <variant>

namespace pollscope {

/// Thrown by JoinHandle when the task was cancelled (shutdown, abort, select).
class TaskCancelled : public std::runtime_error {
public:
    TaskCancelled()
        : std::runtime_error("task was cancelled") {}
};

class RawTask;

/// What an executor provides to the tasks it owns.
class Scheduler {
public:
    virtual ~Scheduler() = default;
    /// A woken task goes back to a queue; `task` carries one reference.
    virtual void schedule(RawTask* task) = 0;
    /// The task completed or was cancelled: forget it (drop any owner reference).
    virtual void release(RawTask* task) noexcept = 0;
};

class RawTask {
public:
    enum class RunResult {
        Done,       // finished, cancelled, or it was not ours to run: nothing left to do
        Idle,       // Pending, waiting for a wake
        Reschedule, // woken during its own poll: the caller queues it again (reference included)
    };

    RawTask(Scheduler* scheduler, Hooks* hooks, std::uint64_t refs) noexcept
        : state(refs)
        , scheduler_(scheduler)
        , hooks_(hooks)
        , id_(next_task_id()) {}
    virtual ~RawTask() = default;
    RawTask(const RawTask&) = delete;
    RawTask& operator=(const RawTask&) = delete;

    /// Called by the executor on a task it popped from a queue (it owns that
    /// queue's reference). Polls once and reports every transition.
    RunResult run() noexcept;

    /// Cancels a task from outside (shutdown, abort). If it is running, the
    /// runner cancels it when its poll returns.
    void shutdown() noexcept;
    /// Cancels a task from any thread through its own executor (JoinHandle::
    /// abort): it is queued, and the thread that runs it destroys the future,
    /// so a LocalSet task is destroyed on the set's thread and the set woken.
    void remote_abort() noexcept;

    void wake_by_ref() noexcept;
    void wake_by_val() noexcept;
    Waker make_waker() noexcept; // a new reference
    void ref_inc() noexcept { state.ref_inc(); }
    void ref_dec() noexcept {
        if (state.ref_dec())
            destroy();
    }

    TaskId id() const noexcept { return id_; }
    Hooks* hooks() const noexcept { return hooks_; }
    Scheduler* scheduler() const noexcept { return scheduler_; }
    /// Reports the spawn; called once by the executor that created the task.
    void report_spawn(std::string_view name, std::source_location loc) const;

    detail::TaskState state;
    RawTask* queue_next = nullptr; // intrusive link for the executor's queues
    RawTask* owned_prev = nullptr; // intrusive links for the executor's list of live tasks
    RawTask* owned_next = nullptr;

protected:
    /// Polls the future; on Ready/Failed the output (or exception) is stored.
    virtual PollResult poll_future(Context& cx) noexcept = 0;
    /// Destroys the future without running it further (cancellation).
    virtual void cancel_future() noexcept = 0;
    /// Drops the stored output (nobody will join).
    virtual void drop_output() noexcept = 0;
    /// The exception a Failed poll stored.
    virtual std::exception_ptr stored_exception() const noexcept = 0;
    virtual void destroy() noexcept { delete this; }
    void wake_join_waker() noexcept;

    friend class JoinHandleBase;
    std::atomic_flag join_lock_ = ATOMIC_FLAG_INIT;
    Waker join_waker_;

private:
    void complete() noexcept;
    /// Wakes the JoinHandle's waiter, as this task (the trace's waker).
    void wake_joiner() noexcept;
    void cancel_now() noexcept;

    Scheduler* scheduler_;
    Hooks* hooks_;
    TaskId id_;
};

namespace detail {
struct CancelledOutput {};
} // namespace detail

template <class T> class TaskCell final : public RawTask {
public:
    TaskCell(Task<T> task, Scheduler* scheduler, Hooks* hooks, std::uint64_t refs)
        : RawTask(scheduler, hooks, refs)
        , task_(std::move(task)) {}

    static void* operator new(std::size_t size) { return detail::allocate_frame(size); }
    static void operator delete(void* p, std::size_t size) noexcept {
        detail::deallocate_frame(p, size);
    }

    /// Moves the output out; rethrows the task's exception or TaskCancelled.
    value_or_unit_t<T> take_output() {
        auto out = std::exchange(output_, std::monostate{});
        if (auto* e = std::get_if<std::exception_ptr>(&out))
            std::rethrow_exception(*e);
        if (std::holds_alternative<detail::CancelledOutput>(out))
            throw TaskCancelled();
        if (std::holds_alternative<std::monostate>(out))
            throw std::logic_error("pollscope: task output taken twice");
        return std::move(std::get<value_or_unit_t<T>>(out));
    }

protected:
    PollResult poll_future(Context& cx) noexcept override {
        try {
            auto p = task_.poll(cx);
            if (p.is_pending())
                return PollResult::Pending;
            if constexpr (std::is_void_v<T>)
                output_.template emplace<Unit>();
            else
                output_.template emplace<T>(std::move(p.value()));
            task_.reset();
            return PollResult::Ready;
        } catch (...) {
            output_.template emplace<std::exception_ptr>(std::current_exception());
            task_.reset();
            return PollResult::Failed;
        }
    }
    void cancel_future() noexcept override {
        task_.reset();
        output_.template emplace<detail::CancelledOutput>();
    }
    void drop_output() noexcept override { output_.template emplace<std::monostate>(); }
    std::exception_ptr stored_exception() const noexcept override {
        auto* e = std::get_if<std::exception_ptr>(&output_);
        return e ? *e : nullptr;
    }

private:
    Task<T> task_;
    std::variant<std::monostate, value_or_unit_t<T>, std::exception_ptr, detail::CancelledOutput>
        output_;
};

} // namespace pollscope
