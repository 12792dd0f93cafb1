#pragma once
// ExampleRunner: runs one example at a time off the GUI thread and exposes
// what the GUI needs: the recorder to drain, the step gate, the run control.
// The run is a QtConcurrent task on the runner's own pool, co_awaited with
// QCoro, so the GUI thread never blocks.

#include "example_catalog.h"
#include "recorder.h"
#include "step_gate.h"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <memory>

namespace pollscope::app {

class TraceStore;

/// Everything one run owns; shared with its worker thread.
struct RunState {
    std::unique_ptr<trace::TraceRecorder> recorder;
    std::unique_ptr<StepGate> gate;
    RunControl control;
    trace::ReadCursor cursor;
    std::atomic<bool> done{false};
};

class ExampleRunner : public QObject {
    Q_OBJECT
public:
    explicit ExampleRunner(QObject* parent = nullptr);
    ~ExampleRunner() override;

    /// Starts `example`; false (and nothing changes) when a run is active.
    /// With `paused` the first poll already waits for a step.
    bool start(const ExampleInfo& example, const KnobValues& knobs, bool virtual_clock,
               bool paused = false);
    bool running() const noexcept { return state_ && !state_->done.load(); }
    /// The current (or last) run, or nullptr.
    RunState* state() const noexcept { return state_.get(); }

    void pause();
    void resume();
    void step(int n = 1);
    bool paused() const;
    bool shutdown();
    bool send_events(int n);
    /// Stops the current run (abort + open the gate); finished() follows.
    void stop();
    /// Blocks until the current run's thread is done (tests, shutdown).
    bool wait(int ms = 10000);

    /// Moves the events recorded since the last drain into `store`; returns
    /// how many arrived.
    std::size_t drain(TraceStore& store);

signals:
    void started(const QString& id);
    /// The run ended; result is the example's one-line summary (or error).
    void finished(const QString& id, const QString& result);
    /// A worker stopped at the step gate (emitted on the GUI thread).
    void blocked(quint64 task);

private:
    friend struct RunnerAccess;
    void on_run_finished(std::uint64_t generation, const QString& result);

    QThreadPool pool_;
    std::shared_ptr<RunState> state_;
    QString id_;
    std::uint64_t generation_ = 0;
};

} // namespace pollscope::app
