#pragma once
// RecordingSwitch: a Hooks decorator that forwards to the inner hooks (the
// recorder) until turned off, and stops at poll boundaries: a poll that
// started while on is recorded to its end (with what happens in it), one
// that starts after is not at all, so a recording stopped mid-run holds no
// PollStart without its PollEnd. What happens outside any poll (a spawn from
// a plain thread, a timer's wake) is recorded while on. A Recording uses it
// for RecordingOptions::stop_when_viewer_leaves. Standard C++.
//
// Which poll a thread is in is kept per thread (shared by every switch: one
// Recording at a time installs one).

#include "hooks.h"

#include <atomic>
#include <memory>

namespace pollscope::trace {

class RecordingSwitch : public Hooks {
public:
    explicit RecordingSwitch(std::shared_ptr<Hooks> inner);

    /// Stops recording, for good, at each thread's next poll boundary.
    void turn_off() noexcept { on_.store(false, std::memory_order_release); }
    bool on() const noexcept { return on_.load(std::memory_order_acquire); }

    // Hooks
    void on_spawn(const SpawnInfo& info) override;
    void on_poll_start(TaskId id) override;
    void on_poll_end(TaskId id, PollResult r, std::source_location site,
                     const Resource* waits_on) override;
    void on_wake(TaskId woken, TaskId woken_by) override;
    void on_cancel(TaskId id) override;
    void on_fail(TaskId id, std::exception_ptr e) override;
    void on_yield(TaskId id) override;
    void on_channel_send(ChannelKind k, const void* ch) override;
    void on_channel_recv(ChannelKind k, const void* ch) override;
    void on_shutdown_signal(TaskId sender) override;
    void on_mark(TaskId task, std::string_view text) override;
    void on_worker_start(int index, const char* name) override;
    void on_enqueue(TaskId id, QueueKind queue, int worker, std::uint32_t count) override;
    void on_steal(TaskId run_now, int victim, std::uint32_t count) override;
    void on_broadcast_subscribe(const void* ch) override;
    void on_broadcast_unsubscribe(const void* ch) override;
    void on_broadcast_lag(const void* ch, std::uint64_t missed) override;

private:
    /// Whether an event on this thread now is recorded (inside a recorded
    /// poll, or outside any poll while on).
    bool records() const noexcept;

    std::shared_ptr<Hooks> inner_;
    std::atomic<bool> on_{true};
};

} // namespace pollscope::trace
