#include "example_runner.h"

#include "clock.h"
#include "hooks.h"
#include "live_stats.h"
#include "trace_store.h"

#include <QCoroFuture>
#include <QCoroTask>
#include <QMetaObject>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent>

#include <algorithm>
#include <chrono>
#include <exception>

namespace pollscope::app {

namespace {
/// Waits for the run without blocking the GUI thread, then reports it. A
/// free coroutine: everything it uses is a parameter (owned by its frame).
QCoro::Task<> await_run(QPointer<ExampleRunner> self, QFuture<QString> run,
                        std::function<void(const QString&)> done) {
    const QString result = co_await run;
    if (self)
        done(result);
}
} // namespace

ExampleRunner::ExampleRunner(QObject* parent)
    : QObject(parent) {
    pool_.setMaxThreadCount(4);
    blocked_poll_ = new QTimer(this);
    blocked_poll_->setInterval(10);
    connect(blocked_poll_, &QTimer::timeout, this, &ExampleRunner::poll_blocked);
}

void ExampleRunner::poll_blocked() {
    if (!state_)
        return;
    const auto seq = state_->blocked_seq.load(std::memory_order_acquire);
    if (seq == blocked_seen_)
        return;
    blocked_seen_ = seq;
    emit blocked(quint64(state_->blocked_task.load(std::memory_order_relaxed)));
}

ExampleRunner::~ExampleRunner() {
    stop();
    pool_.waitForDone();
}

bool ExampleRunner::start(const ExampleInfo& example, const KnobValues& knobs, bool paused) {
    if (running() || !example.run)
        return false;
    auto state = std::make_shared<RunState>();
    state->recorded = std::make_unique<examples::RecordedRun>(example, knobs);
    state->virtual_clock = state->recorded->virtual_clock();
    state->gate = std::make_unique<StepGate>(&state->recorder());
    // A worker stopped at the gate: noted in atomics, which the GUI
    // thread's blocked_poll_ timer reads (a functor queued to the GUI thread
    // passes through Qt's event queue, whose locks ThreadSanitizer cannot see).
    state->gate->on_blocked = [st = state.get()](TaskId task) {
        st->blocked_task.store(std::uint64_t(task), std::memory_order_relaxed);
        st->blocked_seq.fetch_add(1, std::memory_order_release);
    };
    blocked_seen_ = 0;
    blocked_poll_->start();
    QPointer<ExampleRunner> self(this);
    if (paused)
        state->gate->pause();
    state_ = state;
    id_ = example.id;
    const auto gen = ++generation_;

    const RunSetup setup = state->recorded->setup(state->gate.get(), &state->control);
    auto fn = example.run;
    QFuture<QString> fut = QtConcurrent::run(&pool_, [state, setup, fn]() -> QString {
        QString result;
        try {
            result = QString::fromStdString(fn(setup));
        } catch (const std::exception& e) {
            result = QStringLiteral("failed: %1").arg(QString::fromUtf8(e.what()));
        } catch (...) {
            result = QStringLiteral("failed: unknown exception");
        }
        state->done = true;
        return result;
    });
    emit started(example.id);
    await_run(self, std::move(fut),
              [self, gen](const QString& r) { self->on_run_finished(gen, r); });
    return true;
}

void ExampleRunner::on_run_finished(std::uint64_t generation, const QString& result) {
    if (generation != generation_)
        return; // a newer run replaced it
    blocked_poll_->stop();
    emit finished(id_, result);
}

void ExampleRunner::pause() {
    if (state_)
        state_->gate->pause();
}

void ExampleRunner::resume() {
    if (state_)
        state_->gate->run();
}

void ExampleRunner::step(int n) {
    if (state_)
        state_->gate->step(n);
}

bool ExampleRunner::paused() const {
    return state_ && state_->gate->paused();
}

bool ExampleRunner::shutdown() {
    if (!running())
        return false;
    set_trace_thread_name("GUI"); // the wakes it causes come from "GUI" in the trace
    // The gate must let the loops see the signal.
    return state_->control.shutdown();
}

bool ExampleRunner::send_events(int n) {
    set_trace_thread_name("GUI"); // the wakes it causes come from "GUI" in the trace
    return running() && state_->control.send_events(n);
}

void ExampleRunner::stop() {
    if (!state_ || state_->stopping)
        return;
    state_->stopping = true;
    // Open the gate first: aborting joins the runtime's workers, and one may
    // be waiting at the gate. The abort itself runs off the GUI thread.
    state_->gate->release();
    auto state = state_;
    state_->aborter = std::thread([state] { state->control.abort(); });
}

bool ExampleRunner::wait(int ms) {
    return pool_.waitForDone(ms);
}

} // namespace pollscope::app
