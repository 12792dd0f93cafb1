#pragma once
// JoinHandle<T>: the spawner's side of a task. A future (co_await it) and a
// blocking get() for plain threads. Dropping it detaches the task.

#include "block_on.h"
#include "raw_task.h"
#include "resource.h"

namespace pollscope {

class JoinHandleBase {
public:
    JoinHandleBase() noexcept = default;
    explicit JoinHandleBase(RawTask* task) noexcept
        : task_(task)
        , resource_(ResourceKind::JoinHandle, {}, task ? std::int64_t(task->id()) : 0) {}
    JoinHandleBase(JoinHandleBase&& o) noexcept
        : task_(std::exchange(o.task_, nullptr))
        , resource_(o.resource_) {}
    JoinHandleBase& operator=(JoinHandleBase&& o) noexcept {
        if (this != &o) {
            release();
            task_ = std::exchange(o.task_, nullptr);
            resource_ = o.resource_;
        }
        return *this;
    }
    ~JoinHandleBase() { release(); }

    bool valid() const noexcept { return task_ != nullptr; }
    TaskId id() const noexcept { return task_ ? task_->id() : 0; }
    bool is_finished() const noexcept { return task_ && task_->state.is_complete(); }
    /// Cancels the task: its future is destroyed at its next poll boundary,
    /// by its own executor (on the LocalSet's thread for a local task).
    void abort() noexcept {
        if (task_)
            task_->remote_abort();
    }

protected:
    /// True when complete; otherwise the waker is stored for the completion.
    bool poll_complete(Context& cx) noexcept;
    void release() noexcept;

    RawTask* task_ = nullptr;
    Resource resource_{ResourceKind::JoinHandle}; // "join handle of task N"
};

template <class T> class [[nodiscard]] JoinHandle : public JoinHandleBase {
public:
    using JoinHandleBase::JoinHandleBase;

    /// Ready with the task's value; rethrows its exception, or TaskCancelled.
    Poll<T> poll(Context& cx) {
        if (!task_)
            throw std::logic_error("pollscope::JoinHandle polled after its result was taken");
        if (!poll_complete(cx))
            return Pending;
        auto* cell = static_cast<TaskCell<T>*>(task_);
        struct Release {
            JoinHandle* h;
            ~Release() { h->release(); }
        } r{this};
        if constexpr (std::is_void_v<T>) {
            cell->take_output();
            return Ready();
        } else {
            return Poll<T>(cell->take_output());
        }
    }

    /// Blocks the calling thread (never a worker's) until the task is done.
    T get() { return block_on_future(*this); }
};

} // namespace pollscope
