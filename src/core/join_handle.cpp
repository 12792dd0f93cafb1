#include "join_handle.h"

namespace pollscope {

bool JoinHandleBase::poll_complete(Context& cx) noexcept {
    if (task_->state.is_complete())
        return true;
    {
        while (task_->join_lock_.test_and_set(std::memory_order_acquire)) {
        }
        if (!task_->join_waker_.will_wake(cx.waker()))
            task_->join_waker_ = cx.waker();
        task_->join_lock_.clear(std::memory_order_release);
    }
    // The completer takes the waker after COMPLETE: either it sees ours or we see COMPLETE.
    if (task_->state.is_complete())
        return true;
    note_waits_on(resource_);
    return false;
}

void JoinHandleBase::release() noexcept {
    if (auto* t = std::exchange(task_, nullptr)) {
        if (t->state.unset_join_interest())
            t->drop_output();
        t->ref_dec();
    }
}

} // namespace pollscope
