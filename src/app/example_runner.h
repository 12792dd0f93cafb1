#pragma once
// ExampleRunner: runs one example at a time off the GUI thread and exposes
// what the GUI needs: the recorder to drain, the step gate, the example's
// control (shutdown, events, abort). The run has a std::thread of its own and
// hands its result over under a std::mutex that a GUI-thread timer checks
// (Qt's pool and event queue synchronize with locks ThreadSanitizer cannot
// see), so the GUI thread never blocks; stopping a run (which joins the
// example's runtime threads) happens on a thread of its own too.

#include "example_catalog.h"
#include "recorded_run.h"
#include "recorder.h"
#include "step_gate.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

class QTimer;

namespace pollscope::app {

/// Everything one run owns; shared with its worker thread.
struct RunState {
    std::unique_ptr<examples::RecordedRun> recorded; // clock, recorder, setup
    trace::TraceRecorder& recorder() const { return recorded->recorder(); }
    std::unique_ptr<trace::StepGate> gate;
    ExampleControl control;
    std::atomic<bool> done{false};
    /// The run's one-line summary, set (under result_mutex) before `done`.
    std::mutex result_mutex;
    std::condition_variable result_ready;
    QString result;
    /// The task a worker stopped at the step gate for, and how many stops so far.
    std::atomic<std::uint64_t> blocked_task{0};
    std::atomic<std::uint64_t> blocked_seq{0};
    bool virtual_clock = false;
    bool stopping = false; // stop() was called (GUI thread only)
    /// stop()'s abort, off the GUI thread: a plain thread (not the runner's
    /// pool, whose queue Qt guards with locks ThreadSanitizer cannot see).
    std::thread aborter;

    RunState() = default;
    RunState(const RunState&) = delete;
    RunState& operator=(const RunState&) = delete;
    ~RunState() {
        if (!aborter.joinable())
            return;
        if (aborter.get_id() == std::this_thread::get_id())
            aborter.detach(); // the aborter held the last reference
        else
            aborter.join(); // done: it held a reference until its end
    }
    /// The recorder's time now (trace nanoseconds), on the run's clock.
    std::int64_t now() const { return recorded->recorder().now(); }
};

class ExampleRunner : public QObject {
    Q_OBJECT
public:
    explicit ExampleRunner(QObject* parent = nullptr);
    ~ExampleRunner() override;

    /// Starts `example` with `knobs` (the clock from its "virtual_time"
    /// knob); false (and nothing changes) when a run is active. With
    /// `paused` the first poll already waits for a step.
    bool start(const ExampleInfo& example, const KnobValues& knobs, bool paused = false);
    bool running() const noexcept { return state_ && !state_->done.load(); }
    /// Running, but stop() was called: it ends soon (finished() follows).
    bool stopping() const noexcept { return running() && state_->stopping; }
    /// The current (or last) run, or nullptr.
    RunState* state() const noexcept { return state_.get(); }
    /// The current run's recorder, keeping the run's state alive.
    std::shared_ptr<trace::TraceRecorder> shared_recorder() const {
        return state_ ? std::shared_ptr<trace::TraceRecorder>(state_, &state_->recorder())
                      : nullptr;
    }

    void pause();
    void resume();
    void step(int n = 1);
    bool paused() const;
    bool shutdown();
    bool send_events(int n);
    /// Stops the current run (opens the gate, then aborts it on a worker
    /// thread: the GUI thread never waits); finished() follows.
    void stop();
    /// Blocks until the current run's thread is done (tests, shutdown).
    bool wait(int ms = 10000);
    /// Reports a finished run and a worker stopped at the gate (GUI timer).
    void poll();

signals:
    void started(const QString& id);
    /// The run ended; result is the example's one-line summary (or error).
    void finished(const QString& id, const QString& result);
    /// A worker stopped at the step gate (emitted on the GUI thread).
    void blocked(quint64 task);

private:
    friend struct RunnerAccess;
    /// Joins the last run's thread; it has finished or is about to.
    void join_run();

    QTimer* poll_timer_ = nullptr; // emits blocked() and finished()
    std::uint64_t blocked_seen_ = 0;
    bool finish_reported_ = true;
    std::shared_ptr<RunState> state_;
    std::thread run_thread_;
    QString id_;
};

} // namespace pollscope::app
