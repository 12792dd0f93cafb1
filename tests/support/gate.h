#pragma once
// Gate: a hand-made future for executor tests. Pending (storing the waker)
// until open() is called from anywhere; counts its polls.

#include "context.h"
#include "poll.h"
#include "waker.h"

#include <memory>
#include <mutex>

namespace pollscope::test {

class Gate {
public:
    struct State {
        std::mutex m;
        bool open = false;
        int polls = 0;
        Waker waker;
    };

    Gate()
        : s_(std::make_shared<State>()) {}

    /// A future that is Ready once the gate is open.
    class Wait {
    public:
        explicit Wait(std::shared_ptr<State> s)
            : s_(std::move(s)) {}
        Poll<void> poll(Context& cx) {
            std::lock_guard lk(s_->m);
            ++s_->polls;
            if (s_->open)
                return Ready();
            if (!s_->waker.will_wake(cx.waker()))
                s_->waker = cx.waker();
            return Pending;
        }

    private:
        std::shared_ptr<State> s_;
    };
    Wait wait() const { return Wait(s_); }

    void open() {
        Waker w;
        {
            std::lock_guard lk(s_->m);
            s_->open = true;
            w = std::move(s_->waker);
        }
        w.wake();
    }
    /// Wakes the stored waker without opening (a spurious wake); keeps it stored.
    void poke() {
        std::lock_guard lk(s_->m);
        s_->waker.wake_by_ref();
    }
    /// A copy of the stored waker (empty before the first poll).
    Waker waker() const {
        std::lock_guard lk(s_->m);
        return s_->waker;
    }
    /// Drops the stored waker: nobody can wake the waiting task any more.
    void drop_waker() {
        Waker w;
        std::lock_guard lk(s_->m);
        w = std::move(s_->waker);
    }
    int polls() const {
        std::lock_guard lk(s_->m);
        return s_->polls;
    }

private:
    std::shared_ptr<State> s_;
};

/// Sets a flag when destroyed: shows that a task's frame was destroyed.
struct DropFlag {
    std::shared_ptr<bool> flag;
    explicit DropFlag(std::shared_ptr<bool> f)
        : flag(std::move(f)) {}
    DropFlag(DropFlag&& o) noexcept = default;
    ~DropFlag() {
        if (flag)
            *flag = true;
    }
};

} // namespace pollscope::test
