#include "example_runner.h"

#include "clock.h"
#include "hooks.h"
#include "live_stats.h"
#include "trace_store.h"

#include <QTimer>

#include <chrono>
#include <exception>

namespace pollscope::app {

ExampleRunner::ExampleRunner(QObject* parent)
    : QObject(parent) {
    poll_timer_ = new QTimer(this);
    poll_timer_->setInterval(10);
    connect(poll_timer_, &QTimer::timeout, this, &ExampleRunner::poll);
}

void ExampleRunner::poll() {
    if (!state_)
        return;
    const auto seq = state_->blocked_seq.load(std::memory_order_acquire);
    if (seq != blocked_seen_) {
        blocked_seen_ = seq;
        emit blocked(quint64(state_->blocked_task.load(std::memory_order_relaxed)));
    }
    if (finish_reported_ || !state_->done.load(std::memory_order_acquire))
        return;
    finish_reported_ = true;
    poll_timer_->stop();
    join_run();
    QString result;
    {
        std::lock_guard lock(state_->result_mutex);
        result = state_->result;
    }
    emit finished(id_, result);
}

void ExampleRunner::join_run() {
    if (run_thread_.joinable())
        run_thread_.join();
}

ExampleRunner::~ExampleRunner() {
    stop();
    join_run();
}

bool ExampleRunner::start(const ExampleInfo& example, const KnobValues& knobs, bool paused) {
    if (running() || !example.run)
        return false;
    join_run(); // the last run is done; its finish, if not reported yet, never is
    auto state = std::make_shared<RunState>();
    state->recorded = std::make_unique<examples::RecordedRun>(example, knobs);
    state->virtual_clock = state->recorded->virtual_clock();
    state->gate = std::make_unique<trace::StepGate>(&state->recorder());
    // A worker stopped at the gate: noted in atomics, which the GUI
    // thread's poll timer reads (a functor queued to the GUI thread passes
    // through Qt's event queue, whose locks ThreadSanitizer cannot see).
    state->gate->on_blocked = [st = state.get()](TaskId task) {
        st->blocked_task.store(std::uint64_t(task), std::memory_order_relaxed);
        st->blocked_seq.fetch_add(1, std::memory_order_release);
    };
    blocked_seen_ = 0;
    finish_reported_ = false;
    if (paused)
        state->gate->pause();
    state_ = state;
    id_ = example.id;

    const RunSetup setup = state->recorded->setup(state->gate.get(), &state->control);
    run_thread_ = std::thread([state, setup, fn = example.run] {
        QString result;
        try {
            result = QString::fromStdString(fn(setup));
        } catch (const std::exception& e) {
            result = QStringLiteral("failed: %1").arg(QString::fromUtf8(e.what()));
        } catch (...) {
            result = QStringLiteral("failed: unknown exception");
        }
        {
            std::lock_guard lock(state->result_mutex);
            state->result = std::move(result);
            state->done.store(true, std::memory_order_release);
        }
        state->result_ready.notify_all();
    });
    poll_timer_->start();
    emit started(example.id);
    return true;
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
    if (!state_)
        return true;
    std::unique_lock lock(state_->result_mutex);
    return state_->result_ready.wait_for(lock, std::chrono::milliseconds(ms),
                                         [this] { return state_->done.load(); });
}

} // namespace pollscope::app
