#pragma once
// yield_now(): gives the worker back to the executor once. The first poll
// wakes its own task and returns Pending, so the task goes to the back of the
// queue and others run; the second poll is Ready. Rust's tokio::task::yield_now.

#include "context.h"
#include "hooks.h"
#include "poll.h"
#include "resource.h"

namespace pollscope {

class [[nodiscard]] YieldNow {
public:
    /// Pending (after a self-wake) the first time, Ready afterwards.
    Poll<void> poll(Context& cx) noexcept {
        if (yielded_)
            return Ready();
        yielded_ = true;
        // One this_poll() call: nothing in here suspends or changes thread.
        auto& cp = detail::this_poll();
        if (cp.hooks) [[unlikely]]
            cp.hooks->on_yield(cp.task);
        cx.waker().wake_by_ref();
        cp.waits_on = &yield_resource(); // note_waits_on
        return Pending;
    }

private:
    bool yielded_ = false;
};

/// `co_await yield_now();` lets other ready tasks run before this one goes on.
inline YieldNow yield_now() noexcept {
    return {};
}

} // namespace pollscope
