#pragma once
// Mutex<T>: an async mutex (Rust's tokio::sync::Mutex). `co_await m.lock()`
// returns a guard; while another task holds the lock the caller's task is
// Pending (its worker runs other tasks) instead of blocking the thread, so
// the guard may be held across a co_await. Waiters are served first come,
// first served: unlock hands the lock straight to the oldest waiter.
//
// A lock future destroyed while waiting leaves the queue; one destroyed after
// the lock was handed to it passes the lock on. The mutex must outlive its
// guards and lock futures.

#include "context.h"
#include "poll.h"
#include "resource.h"
#include "unit.h"
#include "waker.h"

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

namespace pollscope {

template <class T> class Mutex;
template <class T> class LockFuture;

namespace detail {
struct MutexWaiter {
    Waker waker;
    bool granted = false; // the lock was handed to this waiter
};
} // namespace detail

/// Holds the lock; unlocks when destroyed. Movable, not copyable.
template <class T> class [[nodiscard]] MutexGuard {
public:
    MutexGuard(MutexGuard&& o) noexcept
        : m_(std::exchange(o.m_, nullptr)) {}
    MutexGuard& operator=(MutexGuard&&) = delete;
    MutexGuard(const MutexGuard&) = delete;
    ~MutexGuard() {
        if (m_)
            m_->unlock();
    }
    T& operator*() const noexcept { return m_->value_; }
    T* operator->() const noexcept { return &m_->value_; }
    /// Unlocks now (Rust's drop(guard)).
    void unlock() {
        if (auto* m = std::exchange(m_, nullptr))
            m->unlock();
    }

private:
    friend class Mutex<T>;
    friend class LockFuture<T>;
    explicit MutexGuard(Mutex<T>* m) noexcept
        : m_(m) {}
    Mutex<T>* m_;
};

/// The future of Mutex::lock(): Ready with the guard once the lock is ours.
template <class T> class [[nodiscard]] LockFuture {
public:
    explicit LockFuture(Mutex<T>* m) noexcept
        : m_(m) {}
    LockFuture(LockFuture&& o) noexcept
        : m_(o.m_)
        , node_(std::move(o.node_))
        , done_(std::exchange(o.done_, true)) {}
    LockFuture& operator=(LockFuture&&) = delete;
    LockFuture(const LockFuture&) = delete;
    ~LockFuture() {
        if (node_ && !done_)
            m_->abandon(node_);
    }

    Poll<MutexGuard<T>> poll(Context& cx) {
        if (done_)
            throw std::logic_error("pollscope::Mutex lock future polled after completion");
        Waker old;
        {
            std::lock_guard lk(m_->m_);
            if (!node_) {
                if (!m_->locked_) {
                    m_->locked_ = true;
                    done_ = true;
                    return MutexGuard<T>(m_);
                }
                node_ = std::make_shared<detail::MutexWaiter>();
                node_->waker = cx.waker();
                m_->waiters_.push_back(node_);
                note_waits_on(m_->resource_);
                return Pending;
            }
            if (node_->granted) {
                done_ = true;
                return MutexGuard<T>(m_);
            }
            if (!node_->waker.will_wake(cx.waker()))
                old = std::exchange(node_->waker, cx.waker());
        }
        note_waits_on(m_->resource_);
        return Pending; // `old` is dropped outside the lock
    }

private:
    Mutex<T>* m_;
    std::shared_ptr<detail::MutexWaiter> node_;
    bool done_ = false;
};

template <class T = Unit> class Mutex {
public:
    explicit Mutex(T value = T{})
        : value_(std::move(value)) {}
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    /// `co_await m.lock()`: the guard, once every earlier waiter had its turn.
    LockFuture<T> lock() noexcept { return LockFuture<T>(this); }
    /// The guard if the lock is free and nobody waits; nullopt otherwise.
    std::optional<MutexGuard<T>> try_lock() {
        std::lock_guard lk(m_);
        if (locked_)
            return std::nullopt;
        locked_ = true;
        return MutexGuard<T>(this);
    }
    bool is_locked() const {
        std::lock_guard lk(m_);
        return locked_;
    }
    /// Tasks waiting for the lock.
    std::size_t waiters() const {
        std::lock_guard lk(m_);
        return waiters_.size();
    }

private:
    friend class MutexGuard<T>;
    friend class LockFuture<T>;

    // Hands the lock to the oldest waiter (it stays locked), or frees it.
    void unlock() {
        Waker to_wake;
        {
            std::lock_guard lk(m_);
            if (waiters_.empty()) {
                locked_ = false;
                return;
            }
            auto next = std::move(waiters_.front());
            waiters_.pop_front();
            next->granted = true;
            to_wake = std::move(next->waker);
        }
        to_wake.wake();
    }
    void abandon(const std::shared_ptr<detail::MutexWaiter>& node) {
        bool pass_on = false;
        {
            std::lock_guard lk(m_);
            if (node->granted) {
                pass_on = true; // handed to us, never taken: give it on
            } else {
                for (auto it = waiters_.begin(); it != waiters_.end(); ++it)
                    if (*it == node) {
                        waiters_.erase(it);
                        break;
                    }
            }
        }
        if (pass_on)
            unlock();
    }

    mutable std::mutex m_;
    bool locked_ = false;
    std::deque<std::shared_ptr<detail::MutexWaiter>> waiters_;
    T value_;
    const Resource resource_{ResourceKind::Mutex}; // a Pending lock waits on it
};

} // namespace pollscope
