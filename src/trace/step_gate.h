#pragma once
// StepGate: a Hooks decorator that can hold every poll at its start. Each
// hook is forwarded to the inner hooks (the recorder still records); in
// Stepping mode on_poll_start blocks the polling worker on a condition
// variable until a viewer grants a step (one poll each), so the run advances
// exactly one poll per Step. Running lets polls through; release() opens the
// gate for good (Reset, window close, the end of a recording) so the workers
// can finish. Standard C++: the window's examples use it, and so does a
// program's Recording that serves with RecordingOptions::step_gate (the
// viewer's commands arrive over the stream, trace_server.h).

#include "hooks.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

namespace pollscope::trace {

class StepGate : public Hooks {
public:
    explicit StepGate(Hooks* inner);
    /// Keeps `inner` alive as long as the gate (a runtime holds its hooks).
    explicit StepGate(std::shared_ptr<Hooks> inner);

    /// What a viewer shows of the gate, read at once.
    struct Status {
        bool paused = false;
        int waiting = 0;          // workers held at the gate now
        TaskId waiting_task = 0;  // the task the latest of them would poll
        std::uint64_t passed = 0; // polls started so far
        bool operator==(const Status&) const = default;
    };
    Status status() const;

    /// Polls pass freely.
    void run();
    /// Polls wait at their start until step() (Pause == stop at the next poll).
    void pause();
    /// Lets n more polls start (switching to paused stepping first).
    void step(int n = 1);
    /// Opens the gate permanently.
    void release();

    bool paused() const;
    /// Workers waiting at the gate now.
    int waiting() const;
    /// Polls that passed the gate so far, each counted once the inner hooks
    /// have recorded its start.
    std::uint64_t passed() const;
    /// Task id of the most recent worker that stopped at the gate (0: none).
    TaskId waiting_task() const;
    /// Called (on the worker thread, gate unlocked) when a worker starts to
    /// wait at the gate; set before the run starts.
    std::function<void(TaskId)> on_blocked;

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
    std::shared_ptr<Hooks> owned_; // (or nullptr: the caller keeps inner_ alive)
    Hooks* inner_;
    mutable std::mutex m_;
    std::condition_variable cv_;
    bool paused_ = false;
    bool released_ = false;
    std::uint64_t credits_ = 0;
    std::uint64_t passed_ = 0;
    int waiting_ = 0;
    TaskId waiting_task_ = 0;
};

} // namespace pollscope::trace
