#include "run_controller.h"

#include "example_runner.h"
#include "gui_read_lock.h"
#include "live_stats.h"
#include "stats_scan.h"
#include "stream_client.h"
#include "timeline_feed.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QTimer>

#include <algorithm>
#include <shared_mutex>
#include <utility>

namespace pollscope::app {

RunController::RunController(RequestSource source, QObject* parent)
    : QObject(parent)
    , source_(std::move(source))
    , store_(std::make_unique<TraceStore>())
    , read_lock_(std::make_unique<GuiReadLock>(store_->mutex()))
    , live_stats_(std::make_unique<LiveStats>())
    , feed_(std::make_unique<TimelineFeed>(*store_, live_stats_.get())) {
    runner_ = new ExampleRunner(this);
    tick_ = new QTimer(this);
    tick_->setInterval(TimelineView::kLiveRefreshMs);
    connect(tick_, &QTimer::timeout, this, &RunController::on_tick);
    connect(runner_, &ExampleRunner::finished, this, &RunController::on_finished);
    connect(runner_, &ExampleRunner::blocked, this, [this](quint64 task) {
        drain_now();
        emit blocked(std::uint32_t(task));
    });
}

RunController::~RunController() {
    feed_->stop();
    runner_->stop();
    runner_->wait(5000);
}

bool RunController::running() const {
    return runner_->running();
}

bool RunController::paused() const {
    if (stream_)
        return attached_steps() && stream_->gate().paused;
    return runner_->paused();
}

bool RunController::stopping() const {
    return runner_->stopping();
}

bool RunController::live() const {
    if (stream_) // held at its step gate: the view stands still, as for an example
        return attached_live() && !stream_->hello().virtual_time && !paused();
    const auto* st = runner_->state();
    return st && st->recorded && !st->virtual_clock && runner_->running() && !runner_->paused();
}

std::int64_t RunController::now() const {
    if (stream_)
        return stream_->now();
    const auto* st = runner_->state();
    return st && st->recorded ? st->now() : -1;
}

bool RunController::attached_live() const {
    return stream_ && stream_->state() == trace::StreamClient::State::Attached;
}

bool RunController::attached_steps() const {
    return attached_live() && stream_->hello().can_step;
}

bool RunController::attach(const QString& path, QString* error) {
    std::string why;
    auto client = trace::StreamClient::connect(path.toStdString(), &why);
    if (!client) {
        if (error)
            *error = QString::fromStdString(why);
        return false;
    }
    if (runner_->running()) { // its events are not shown
        discard_run_ = true;
        runner_->stop();
    }
    pending_ = Pending::None;
    clear();
    stream_ = std::move(client);
    stream_end_reported_ = false;
    stream_gate_seen_ = {};
    feed_->start(std::shared_ptr<trace::DeltaSource>(stream_));
    tick_->start();
    emit state_changed();
    return true;
}

void RunController::detach() {
    stream_.reset();
    stream_end_reported_ = false;
}

void RunController::check_stream_end() {
    if (!stream_ || stream_end_reported_ || attached_live())
        return;
    stream_end_reported_ = true;
    tick_->stop();
    drain_now(); // what came before the end
    feed_->stop();
    QString result;
    if (stream_->state() == trace::StreamClient::State::Ended)
        result = tr("the program ended its recording (%1 events)").arg(stream_->end().events);
    else
        result = tr("disconnected: %1").arg(QString::fromStdString(stream_->problem()));
    emit run_finished(QString::fromStdString(stream_->hello().program), result, true);
    emit state_changed();
}

void RunController::check_stream_gate() {
    if (!attached_steps())
        return;
    const trace::StreamGate gate = stream_->gate();
    if (gate == stream_gate_seen_)
        return;
    const bool newly_held = gate.waiting > 0 && gate.waiting_task != 0 &&
                            (gate.waiting_task != stream_gate_seen_.waiting_task ||
                             gate.passed != stream_gate_seen_.passed);
    const bool paused_changed = gate.paused != stream_gate_seen_.paused;
    stream_gate_seen_ = gate;
    if (newly_held && gate.paused) {
        drain_now(); // what it recorded before it stopped, as for an example
        emit blocked(gate.waiting_task);
    }
    if (paused_changed)
        emit state_changed();
}

void RunController::clear() {
    emit store_changing();
    summary_job_.reset();
    feed_->stop();
    detach();
    {
        GuiReadLock::Exclusive x(*read_lock_);
        store_->clear();
    }
    applied_seen_ = 0;
    live_stats_->clear();
    stats_dirty_ = false;
    stats_clock_.invalidate();
    emit store_reset();
}

void RunController::replace_store(TraceStore&& loaded) {
    if (runner_->running()) {
        discard_run_ = true;
        runner_->stop();
        tick_->stop();
    }
    emit store_changing();
    summary_job_.reset();
    feed_->stop();
    if (stream_) {
        tick_->stop();
        detach();
    }
    {
        GuiReadLock::Exclusive x(*read_lock_);
        *store_ = std::move(loaded);
    }
    live_stats_->clear();
}

void RunController::summarise_store() {
    summary_job_ = std::make_unique<BackgroundJob<Summary>>(
        this,
        [store = store_.get()](std::stop_token stop) {
            // Readers only share the lock (the GUI thread holds it while
            // awake); a writer waits for this job, so every change of the
            // store stops it first (summary_job_.reset()).
            const std::shared_lock lock(store->mutex());
            auto stats =
                std::make_shared<trace::TraceStats>(trace::compute_stats(*store, {}, stop));
            if (stop.stop_requested())
                return Summary{};
            trace::add_scan_warnings(*store, *stats);
            auto rows =
                std::make_shared<TaskTableModel::Rows>(TaskTableModel::rows_of(*stats, store));
            if (stop.stop_requested())
                return Summary{};
            // Step back's index, ready before the first press (0.65 s at 10M events).
            auto rewind = std::make_shared<const trace::StateAtStep>(*store);
            return Summary{std::move(stats), std::move(rows), std::move(rewind)};
        },
        [this](Summary s) {
            if (s.stats)
                emit summary_ready(std::move(s.stats), std::move(s.rows), std::move(s.rewind));
        });
}

RunController::Start RunController::start(bool paused) {
    const Request r = source_ ? source_() : Request{};
    if (!r.example)
        return Start::Nothing;
    clear();
    discard_run_ = false;
    emit starting();
    // Paused: the first poll waits at the gate for a step. A short run on
    // the virtual clock may be over before start() returns (the runner
    // then reports it at once): its end is handled once the feed runs.
    ++starts_;
    starting_run_ = true;
    const bool started = runner_->start(*r.example, r.knobs, paused);
    starting_run_ = false;
    if (!started) {
        emit error_reported(paused ? tr("Cannot step") : tr("Cannot run"),
                            tr("The previous run of this example is still stopping."));
        return Start::Refused;
    }
    feed_->start(runner_->shared_recorder());
    tick_->start();
    emit state_changed();
    if (early_end_) {
        // After the caller has shown the start; not if another run started since.
        QTimer::singleShot(0, this,
                           [this, end = *std::exchange(early_end_, std::nullopt), run = starts_] {
                               if (run == starts_)
                                   on_finished(end.first, end.second);
                           });
    }
    return Start::Started;
}

RunController::Start RunController::run() {
    if (stream_) { // an attached program: its step gate, if it has one
        if (!attached_steps() || !stream_->request_run())
            return Start::Nothing;
        emit state_changed();
        return Start::Resumed;
    }
    if (runner_->stopping()) {
        // Reset (or a switch) just stopped the last run: start when it is gone.
        pending_ = Pending::Run;
        return Start::Queued;
    }
    if (runner_->running()) {
        runner_->resume();
        emit state_changed();
        return Start::Resumed;
    }
    return start(false);
}

bool RunController::pause() {
    if (stream_) {
        if (!attached_steps() || !stream_->request_pause())
            return false;
        emit state_changed();
        return true;
    }
    if (!runner_->running())
        return false;
    runner_->pause();
    emit state_changed();
    return true;
}

bool RunController::can_pause() const {
    if (stream_)
        return attached_steps() && !stream_->gate().paused;
    return runner_->running() && !runner_->stopping() && !runner_->paused();
}

RunController::Start RunController::step(int n) {
    if (stream_) {
        if (!attached_steps() || !stream_->request_step(std::uint32_t(std::max(1, n))))
            return Start::Nothing;
        emit state_changed();
        return Start::Resumed;
    }
    if (runner_->stopping()) {
        pending_ = Pending::Step;
        pending_steps_ = n;
        return Start::Queued;
    }
    Start s = Start::Resumed;
    if (!runner_->running()) {
        s = start(true);
        if (s != Start::Started)
            return s;
    }
    runner_->step(n);
    emit state_changed();
    return s;
}

void RunController::reset() {
    pending_ = Pending::None;
    if (runner_->running()) {
        discard_run_ = true;
        feed_->stop();
        runner_->stop();
    }
    tick_->stop();
    clear(); // detaches too
    emit state_changed();
}

bool RunController::shutdown() {
    const bool sent = stream_ ? stream_->request_shutdown() : runner_->shutdown();
    emit state_changed();
    return sent;
}

bool RunController::send_events(int n) {
    return runner_->send_events(n);
}

void RunController::stop() {
    runner_->stop();
}

void RunController::drain_now() {
    if (discard_run_)
        return;
    {
        // The feed needs the store's lock to apply what is left.
        GuiReadLock::Unlocked unlocked(*read_lock_);
        feed_->flush();
    }
    show_fed();
}

void RunController::show_fed() {
    // The feed built the model on its thread; this one only announces it.
    const auto applied = feed_->applied();
    if (discard_run_ || applied == applied_seen_)
        return;
    applied_seen_ = applied;
    stats_dirty_ = true;
    emit fed();
}

trace::TraceStats RunController::stats_now() {
    stats_dirty_ = false;
    stats_clock_.start();
    return live_stats_->snapshot_now();
}

void RunController::on_tick() {
    show_fed();
    // LiveStats accumulates every drained batch and takes its snapshots on
    // its own thread; this thread asks for one at most every 250 ms (and
    // while the real clock runs even without new events, so Idle and Total
    // grow as tasks wait) and announces it when it is ready.
    if (auto s = live_stats_->take())
        emit stats_ready(std::move(*s));
    const bool is_live = live();
    if ((stats_dirty_ || is_live) && !live_stats_->pending() &&
        (!stats_clock_.isValid() || stats_clock_.elapsed() >= 250)) {
        stats_dirty_ = false;
        stats_clock_.start();
        live_stats_->request(is_live ? std::max(now(), store_->end_ts()) : -1);
    }
    emit ticked();
    check_stream_gate();
    check_stream_end();
}

void RunController::on_finished(const QString& id, const QString& result) {
    if (starting_run_) {
        early_end_.emplace(id, result);
        return;
    }
    if (!stream_) // an attached program's stream goes on
        tick_->stop();
    const bool shown = !discard_run_;
    if (shown) {
        drain_now();
        feed_->stop();
    }
    discard_run_ = false;
    emit run_finished(id, result, shown);
    // Run or Step pressed while the previous run was stopping.
    const auto pending = std::exchange(pending_, Pending::None);
    if (pending == Pending::Run)
        emit queued_done(run(), 0);
    else if (pending == Pending::Step)
        emit queued_done(step(pending_steps_), pending_steps_);
}

} // namespace pollscope::app
