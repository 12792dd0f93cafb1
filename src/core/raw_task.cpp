#include "raw_task.h"

namespace pollscope {

namespace {
void waker_clone(void* p) {
    static_cast<RawTask*>(p)->ref_inc();
}
void waker_wake(void* p) {
    static_cast<RawTask*>(p)->wake_by_val();
}
void waker_wake_by_ref(void* p) {
    static_cast<RawTask*>(p)->wake_by_ref();
}
void waker_drop(void* p) {
    static_cast<RawTask*>(p)->ref_dec();
}
constexpr WakerVTable kTaskWakerVTable{waker_clone, waker_wake, waker_wake_by_ref, waker_drop};

class SpinGuard {
public:
    explicit SpinGuard(std::atomic_flag& f) noexcept
        : f_(f) {
        while (f_.test_and_set(std::memory_order_acquire))
            while (f_.test(std::memory_order_relaxed)) {
            }
    }
    ~SpinGuard() { f_.clear(std::memory_order_release); }
    SpinGuard(const SpinGuard&) = delete;
    SpinGuard& operator=(const SpinGuard&) = delete;

private:
    std::atomic_flag& f_;
};
} // namespace

Waker RawTask::make_waker() noexcept {
    ref_inc();
    return Waker(&kTaskWakerVTable, this);
}

void RawTask::report_spawn(std::string_view name, std::source_location loc) const {
    if (hooks_) [[unlikely]] {
        SpawnInfo info;
        info.id = id_;
        info.parent = current_task_id();
        info.name = name;
        info.location = loc;
        hooks_->on_spawn(info);
    }
}

RawTask::RunResult RawTask::run() noexcept {
    switch (state.transition_to_running()) {
    case detail::TaskState::ToRunning::Failed:
        ref_dec();
        return RunResult::Done;
    case detail::TaskState::ToRunning::Cancelled:
        cancel_now();
        return RunResult::Done;
    case detail::TaskState::ToRunning::Ok:
        break;
    }

    // The poll borrows the queue's reference: this waker is never dropped.
    Waker borrowed(&kTaskWakerVTable, this);
    Context cx(borrowed);
    PollResult outcome;
    std::source_location site;
    const Resource* waits_on = nullptr;
    {
        detail::PollScope scope(hooks_, id_);
        if (hooks_) [[unlikely]]
            hooks_->on_poll_start(id_);
        outcome = poll_future(cx);
        site = scope.await_site();
        waits_on = scope.waits_on();
    }
    (void)borrowed.into_raw(); // forget without dropping

    if (outcome != PollResult::Pending) {
        // The end is recorded before the joiner is woken (complete()): whoever
        // sees the result also finds this poll's end in the trace.
        if (hooks_) [[unlikely]] {
            hooks_->on_poll_end(id_, outcome, site, nullptr);
            if (outcome == PollResult::Failed)
                hooks_->on_fail(id_, stored_exception());
        }
        complete();
        return RunResult::Done;
    }
    if (hooks_) [[unlikely]]
        hooks_->on_poll_end(id_, PollResult::Pending, site, waits_on);
    switch (state.transition_to_idle()) {
    case detail::TaskState::ToIdle::Idle:
        return RunResult::Idle;
    case detail::TaskState::ToIdle::IdleLastRef:
        destroy();
        return RunResult::Idle;
    case detail::TaskState::ToIdle::Notified:
        return RunResult::Reschedule;
    case detail::TaskState::ToIdle::Cancelled:
        cancel_now();
        return RunResult::Done;
    }
    return RunResult::Done;
}

void RawTask::cancel_now() noexcept {
    {
        detail::PollScope scope(hooks_, id_);
        cancel_future(); // destructors of the frame may wake others: attribute them to us
    }
    if (hooks_) [[unlikely]]
        hooks_->on_cancel(id_);
    complete();
}

void RawTask::complete() noexcept {
    if (state.transition_to_complete())
        wake_joiner();
    else
        drop_output();
    scheduler_->release(this);
    ref_dec(); // the run's reference
}

void RawTask::wake_joiner() noexcept {
    if (hooks_) [[unlikely]] {
        // The joiner is woken by this task finishing, not by the worker.
        detail::PollScope scope(hooks_, id_);
        wake_join_waker();
    } else {
        wake_join_waker();
    }
}

void RawTask::wake_join_waker() noexcept {
    Waker w;
    {
        SpinGuard g(join_lock_);
        w = std::move(join_waker_);
    }
    w.wake();
}

void RawTask::shutdown() noexcept {
    if (state.transition_to_shutdown()) {
        ref_inc(); // cancel_now consumes a "run" reference
        cancel_now();
    }
}

void RawTask::remote_abort() noexcept {
    if (state.transition_to_notified_and_cancel())
        scheduler_->schedule(this);
}

// A finished task's executor (and its hooks) may already be gone: a waker
// kept by another thread must not touch them then.
void RawTask::wake_by_ref() noexcept {
    if (hooks_) [[unlikely]] {
        if (state.is_complete())
            return;
        hooks_->on_wake(id_, current_task_id());
    }
    if (state.transition_to_notified_by_ref() == detail::TaskState::Notify::Submit)
        scheduler_->schedule(this);
}

void RawTask::wake_by_val() noexcept {
    if (hooks_ && !state.is_complete()) [[unlikely]]
        hooks_->on_wake(id_, current_task_id());
    switch (state.transition_to_notified_by_val()) {
    case detail::TaskState::Notify::Submit:
        scheduler_->schedule(this);
        break;
    case detail::TaskState::Notify::Dealloc:
        destroy();
        break;
    case detail::TaskState::Notify::DoNothing:
        break;
    }
}

} // namespace pollscope
