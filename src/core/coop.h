#pragma once
// Cooperative budget (Tokio's coop): within one poll of a task, the channel
// and timer leaf futures complete at most kBudget operations; once it is used
// up each of them returns Pending after waking its task, so a task whose
// futures are always ready still gives its worker back. The forced yield is
// reported as on_yield. The budget lives in the thread's CurrentPoll: set by
// PollScope at each task poll, unconstrained (-1) outside a task (block_on,
// plain threads). Pending polls use none of it, so a select over many idle
// futures never trips it.

#include "context.h"
#include "hooks.h"
#include "resource.h"

namespace pollscope::coop {

inline constexpr int kBudget = detail::kCoopBudget;

/// Called first by a leaf future's poll: false when the budget is used up
/// (the task is woken and the yield recorded): return Pending then.
inline bool poll_proceed(Context& cx) noexcept {
    auto& cp = detail::this_poll();
    if (cp.budget != 0) [[likely]]
        return true;
    if (cp.hooks && !cp.forced_yield_noted) [[unlikely]] {
        cp.forced_yield_noted = true;
        cp.hooks->on_yield(cp.task);
    }
    cx.waker().wake_by_ref();
    note_waits_on(yield_resource()); // a forced yield
    return false;
}

/// Called by a leaf future that returns Ready: one operation of the budget.
inline void made_progress() noexcept {
    auto& cp = detail::this_poll();
    if (cp.budget > 0)
        --cp.budget;
}

} // namespace pollscope::coop
