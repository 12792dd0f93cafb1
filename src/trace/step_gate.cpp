#include "step_gate.h"

#include <utility>

namespace pollscope::trace {

StepGate::StepGate(Hooks* inner)
    : inner_(inner) {}

StepGate::StepGate(std::shared_ptr<Hooks> inner)
    : owned_(std::move(inner))
    , inner_(owned_.get()) {}

StepGate::Status StepGate::status() const {
    std::lock_guard lk(m_);
    return {paused_ && !released_, waiting_, waiting_ > 0 ? waiting_task_ : 0, passed_};
}

void StepGate::run() {
    std::lock_guard lk(m_);
    paused_ = false;
    credits_ = 0;
    cv_.notify_all();
}

void StepGate::pause() {
    std::lock_guard lk(m_);
    paused_ = true;
    credits_ = 0;
}

void StepGate::step(int n) {
    std::lock_guard lk(m_);
    paused_ = true;
    if (n > 0)
        credits_ += std::uint64_t(n);
    cv_.notify_all();
}

void StepGate::release() {
    std::lock_guard lk(m_);
    released_ = true;
    cv_.notify_all();
}

bool StepGate::paused() const {
    std::lock_guard lk(m_);
    return paused_ && !released_;
}

int StepGate::waiting() const {
    std::lock_guard lk(m_);
    return waiting_;
}

std::uint64_t StepGate::passed() const {
    std::lock_guard lk(m_);
    return passed_;
}

TaskId StepGate::waiting_task() const {
    std::lock_guard lk(m_);
    return waiting_ > 0 ? waiting_task_ : 0;
}

void StepGate::on_poll_start(TaskId id) {
    {
        std::unique_lock lk(m_);
        if (paused_ && !released_ && credits_ == 0) {
            ++waiting_;
            waiting_task_ = id;
            lk.unlock();
            if (on_blocked)
                on_blocked(id);
            lk.lock();
            cv_.wait(lk, [this] { return released_ || !paused_ || credits_ > 0; });
            --waiting_;
            pollscope::detail::set_poll_follows_poll(false); // it waited: a fresh stamp
        }
        if (paused_ && !released_ && credits_ > 0)
            --credits_;
    }
    if (inner_)
        inner_->on_poll_start(id);
    // Counted once its start is recorded: whoever sees passed() go up finds
    // the PollStart in the next drain.
    const std::lock_guard lk(m_);
    ++passed_;
}

void StepGate::on_spawn(const SpawnInfo& info) {
    if (inner_)
        inner_->on_spawn(info);
}
void StepGate::on_poll_end(TaskId id, PollResult r, std::source_location site,
                           const Resource* waits_on) {
    if (inner_)
        inner_->on_poll_end(id, r, site, waits_on);
}
void StepGate::on_wake(TaskId woken, TaskId woken_by) {
    if (inner_)
        inner_->on_wake(woken, woken_by);
}
void StepGate::on_cancel(TaskId id) {
    if (inner_)
        inner_->on_cancel(id);
}
void StepGate::on_fail(TaskId id, std::exception_ptr e) {
    if (inner_)
        inner_->on_fail(id, std::move(e));
}
void StepGate::on_yield(TaskId id) {
    if (inner_)
        inner_->on_yield(id);
}
void StepGate::on_channel_send(ChannelKind k, const void* ch) {
    if (inner_)
        inner_->on_channel_send(k, ch);
}
void StepGate::on_channel_recv(ChannelKind k, const void* ch) {
    if (inner_)
        inner_->on_channel_recv(k, ch);
}
void StepGate::on_shutdown_signal(TaskId sender) {
    if (inner_)
        inner_->on_shutdown_signal(sender);
}
void StepGate::on_mark(TaskId task, std::string_view text) {
    if (inner_)
        inner_->on_mark(task, text);
}
void StepGate::on_worker_start(int index, const char* name) {
    if (inner_)
        inner_->on_worker_start(index, name);
}

void StepGate::on_enqueue(TaskId id, QueueKind queue, int worker, std::uint32_t count) {
    if (inner_)
        inner_->on_enqueue(id, queue, worker, count);
}
void StepGate::on_steal(TaskId run_now, int victim, std::uint32_t count) {
    if (inner_)
        inner_->on_steal(run_now, victim, count);
}
void StepGate::on_broadcast_subscribe(const void* ch) {
    if (inner_)
        inner_->on_broadcast_subscribe(ch);
}
void StepGate::on_broadcast_unsubscribe(const void* ch) {
    if (inner_)
        inner_->on_broadcast_unsubscribe(ch);
}
void StepGate::on_broadcast_lag(const void* ch, std::uint64_t missed) {
    if (inner_)
        inner_->on_broadcast_lag(ch, missed);
}

} // namespace pollscope::trace
