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
        if (auto* h = current_hooks()) [[unlikely]]
            h->on_yield(current_task_id());
        cx.waker().wake_by_ref();
        note_waits_on(yield_resource());
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
