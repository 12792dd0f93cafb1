#include "recording_switch.h"

#include <cstdint>
#include <utility>

namespace pollscope::trace {

namespace {

/// This thread's polls: how deep it is in nested polls, and the depth of the
/// outermost one not recorded (0: every poll it is in is recorded).
struct ThreadPolls {
    std::uint32_t depth = 0;
    std::uint32_t skipped_from = 0;
};

// Only touched from the out-of-line hooks below (never cached across a
// coroutine's suspension: hooks.h, detail::this_poll).
thread_local ThreadPolls t_polls;

} // namespace

RecordingSwitch::RecordingSwitch(std::shared_ptr<Hooks> inner)
    : inner_(std::move(inner)) {}

bool RecordingSwitch::records() const noexcept {
    const ThreadPolls& p = t_polls;
    return p.skipped_from == 0 && (p.depth > 0 || on());
}

void RecordingSwitch::on_poll_start(TaskId id) {
    ThreadPolls& p = t_polls;
    ++p.depth;
    if (p.skipped_from == 0 && !on())
        p.skipped_from = p.depth; // this poll, and any nested in it, unrecorded
    if (p.skipped_from == 0)
        inner_->on_poll_start(id);
}

void RecordingSwitch::on_poll_end(TaskId id, PollResult r, std::source_location site,
                                  const Resource* waits_on) {
    ThreadPolls& p = t_polls;
    if (p.skipped_from == 0)
        inner_->on_poll_end(id, r, site, waits_on);
    if (p.skipped_from == p.depth)
        p.skipped_from = 0;
    if (p.depth > 0)
        --p.depth;
}

void RecordingSwitch::on_spawn(const SpawnInfo& info) {
    if (records())
        inner_->on_spawn(info);
}
void RecordingSwitch::on_wake(TaskId woken, TaskId woken_by) {
    if (records())
        inner_->on_wake(woken, woken_by);
}
void RecordingSwitch::on_cancel(TaskId id) {
    if (records())
        inner_->on_cancel(id);
}
void RecordingSwitch::on_fail(TaskId id, std::exception_ptr e) {
    if (records())
        inner_->on_fail(id, std::move(e));
}
void RecordingSwitch::on_yield(TaskId id) {
    if (records())
        inner_->on_yield(id);
}
void RecordingSwitch::on_channel_send(ChannelKind k, const void* ch) {
    if (records())
        inner_->on_channel_send(k, ch);
}
void RecordingSwitch::on_channel_recv(ChannelKind k, const void* ch) {
    if (records())
        inner_->on_channel_recv(k, ch);
}
void RecordingSwitch::on_shutdown_signal(TaskId sender) {
    if (records())
        inner_->on_shutdown_signal(sender);
}
void RecordingSwitch::on_mark(TaskId task, std::string_view text) {
    if (records())
        inner_->on_mark(task, text);
}
void RecordingSwitch::on_worker_start(int index, const char* name) {
    if (records())
        inner_->on_worker_start(index, name);
}

void RecordingSwitch::on_enqueue(TaskId id, QueueKind queue, int worker, std::uint32_t count) {
    if (records())
        inner_->on_enqueue(id, queue, worker, count);
}
void RecordingSwitch::on_steal(TaskId run_now, int victim, std::uint32_t count) {
    if (records())
        inner_->on_steal(run_now, victim, count);
}
void RecordingSwitch::on_broadcast_subscribe(const void* ch) {
    if (records())
        inner_->on_broadcast_subscribe(ch);
}
void RecordingSwitch::on_broadcast_unsubscribe(const void* ch) {
    if (records())
        inner_->on_broadcast_unsubscribe(ch);
}
void RecordingSwitch::on_broadcast_lag(const void* ch, std::uint64_t missed) {
    if (records())
        inner_->on_broadcast_lag(ch, missed);
}

} // namespace pollscope::trace
