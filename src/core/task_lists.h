#pragma once
// Intrusive lists of RawTasks for the executors (ChannelExecutor, LocalSet, the
// Runtime's injection queue and task registry). Not thread-safe: callers hold their own lock. They
// use the links RawTask provides (queue_next; owned_prev/owned_next), so they never allocate.

#include "raw_task.h"

#include <cstddef>

namespace pollscope::detail {

/// FIFO of queued tasks (each entry carries the queue's reference).
class TaskFifo {
public:
    bool empty() const noexcept { return head_ == nullptr; }
    std::size_t size() const noexcept { return size_; }
    void push(RawTask* t) noexcept { push_chain(t, t, 1); }
    /// Appends a chain first..last of n tasks already linked by queue_next.
    void push_chain(RawTask* first, RawTask* last, std::size_t n) noexcept {
        last->queue_next = nullptr;
        if (tail_)
            tail_->queue_next = first;
        else
            head_ = first;
        tail_ = last;
        size_ += n;
    }
    RawTask* pop() noexcept {
        RawTask* t = head_;
        if (!t)
            return nullptr;
        head_ = t->queue_next;
        if (!head_)
            tail_ = nullptr;
        t->queue_next = nullptr;
        --size_;
        return t;
    }

private:
    RawTask* head_ = nullptr;
    RawTask* tail_ = nullptr;
    std::size_t size_ = 0;
};

/// The live (unfinished) tasks of an executor, to cancel them at its end.
class OwnedTasks {
public:
    bool empty() const noexcept { return head_ == nullptr; }
    std::size_t size() const noexcept { return size_; }
    bool contains(const RawTask* t) const noexcept { return t->owned_prev || head_ == t; }
    void link(RawTask* t) noexcept {
        t->owned_prev = nullptr;
        t->owned_next = head_;
        if (head_)
            head_->owned_prev = t;
        head_ = t;
        ++size_;
    }
    /// Removes `t` if it is in the list; returns whether it was.
    bool unlink(RawTask* t) noexcept {
        if (!contains(t))
            return false;
        if (t->owned_prev)
            t->owned_prev->owned_next = t->owned_next;
        else
            head_ = t->owned_next;
        if (t->owned_next)
            t->owned_next->owned_prev = t->owned_prev;
        t->owned_prev = t->owned_next = nullptr;
        --size_;
        return true;
    }
    /// Unlinks and returns the first task, or nullptr.
    RawTask* pop() noexcept {
        RawTask* t = head_;
        if (t)
            unlink(t);
        return t;
    }

private:
    RawTask* head_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace pollscope::detail
