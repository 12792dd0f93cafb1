#pragma once
// RunController: runs the window's examples. It owns the run (ExampleRunner),
// the timeline model the run builds (TraceStore, filled off the GUI thread by
// a TimelineFeed, read on the GUI thread under a GuiReadLock) and the task
// table's statistics (LiveStats), and pumps them on a timer: what the feed
// applied is announced (fed), statistics are asked for at most every 250 ms
// and announced when ready (stats_ready). Run and Step pressed while a reset
// run is still stopping are queued and done when it is gone. The window
// connects to the signals and shows; it words the status itself from what
// run() and step() return. Instead of an example, it can show a program of
// the user's, attached over its socket (attach()): the same feed, statistics
// and pump, the events coming from the program's stream; when the stream
// ends (the program finished, exited or was killed) run_finished says so
// and the store keeps what came.

#include "background_job.h"
#include "example_catalog.h"
#include "state_at_step.h"
#include "stats.h"
#include "task_table_model.h"
#include "trace_stream.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

class QTimer;

namespace pollscope::trace {
class StreamClient;
}

namespace pollscope::app {

class ExampleRunner;
class GuiReadLock;
class LiveStats;
class TimelineFeed;
class TraceStore;

class RunController : public QObject {
    Q_OBJECT
public:
    /// What run() and step() start: the example (nullptr: nothing) and its knobs.
    struct Request {
        const ExampleInfo* example = nullptr;
        KnobValues knobs;
    };
    using RequestSource = std::function<Request()>;

    /// What run() or step() did.
    enum class Start {
        Nothing, // no example to run
        Refused, // the runner would not start (error_reported follows)
        Queued,  // the last run is still stopping: done when it is gone
        Started, // a new run
        Resumed, // the current run goes on (run: resumed; step: stepped)
    };
    Q_ENUM(Start)

    /// `source` is asked for the example and knobs each time a run starts.
    explicit RunController(RequestSource source, QObject* parent = nullptr);
    ~RunController() override;

    Start run();
    /// Pauses the run at its next poll; false without a run.
    bool pause();
    /// A run goes on that pause() would pause (else Space means run()).
    bool can_pause() const;
    /// Lets `n` polls pass (starts the run paused first if none runs).
    Start step(int n = 1);
    /// Stops the run (its events are not shown) and clears the store.
    void reset();
    /// Sends the example's shutdown broadcast (or asks the attached program
    /// to shut down); false if it has none.
    bool shutdown();
    bool send_events(int n);
    /// Stops the run for good (the window closes): returns at once.
    void stop();

    /// Empties the store and the statistics (not the run).
    void clear();
    /// Replaces the store (a trace opened from a file): the run, if any, is
    /// stopped and its events are not shown. (No store_reset: the new
    /// store is not empty, its owner shows it.)
    void replace_store(TraceStore&& loaded);
    /// The statistics, task-table rows and rewind index of the whole store
    /// (a file just opened), computed on a thread of their own while the window shows
    /// the timeline; summary_ready announces them. A change of the store
    /// (clear(), replace_store(), a run, attach()) stops it first.
    void summarise_store();
    /// summarise_store() has not announced its result yet.
    bool summarising() const { return summary_job_ && summary_job_->running(); }

    /// Shows the program serving on `path` (trace::Recording's serve,
    /// POLLSCOPE_SERVE) live: any run stops and the store is cleared. false
    /// with *error when it cannot attach (nothing changes then).
    bool attach(const QString& path, QString* error);
    /// The attached program's stream (live or ended), or nullptr.
    const trace::StreamClient* stream() const { return stream_.get(); }
    /// Attached and the program's stream goes on.
    bool attached_live() const;
    /// The attached program's stream ended and run_finished said so.
    bool stream_end_reported() const { return stream_ && stream_end_reported_; }
    /// Attached live to a program with a step gate: pause(), step() and
    /// run() hold and release its polls, as for an example.
    bool attached_steps() const;

    /// Makes every event recorded so far visible now (fed follows if any).
    void drain_now();
    /// The statistics of everything drained, computed now on this thread.
    trace::TraceStats stats_now();

    bool running() const;
    bool paused() const;
    bool stopping() const;
    /// A run on the real clock that goes on: time passes without events.
    bool live() const;
    /// The run's clock now (trace ns), or -1 without a run.
    std::int64_t now() const;

    const TraceStore& store() const { return *store_; }
    ExampleRunner* runner() const { return runner_; }

signals:
    /// The store is about to be cleared or replaced (by this thread, under
    /// its exclusive lock): whatever reads it on another thread stops now.
    void store_changing();
    /// The store was cleared (clear(), reset(), a new run).
    void store_reset();
    /// A run starts: the store is empty, the run not started yet.
    void starting();
    /// New events are in the store.
    void fed();
    /// Statistics asked for by the pump are ready.
    void stats_ready(trace::TraceStats stats);
    /// summarise_store()'s result.
    void summary_ready(std::shared_ptr<const trace::TraceStats> stats,
                       std::shared_ptr<pollscope::app::TaskTableModel::Rows> rows,
                       std::shared_ptr<const pollscope::trace::StateAtStep> rewind);
    /// The pump's beat while a run goes on (after fed and stats_ready).
    void ticked();
    /// A worker stopped at the step gate before polling `task` (the store
    /// holds everything recorded before).
    void blocked(std::uint32_t task);
    /// Run, pause, step, shutdown changed what the run does.
    void state_changed();
    /// The run ended; `shown` is false for a reset or replaced run (its
    /// events were dropped). A queued Run/Step starts after this.
    void run_finished(const QString& id, const QString& result, bool shown);
    /// The Run (`steps` 0) or Step (`steps` polls) queued while the last
    /// run was stopping was done, with this result.
    void queued_done(pollscope::app::RunController::Start result, int steps);
    void error_reported(const QString& title, const QString& message);

private:
    Start start(bool paused);
    void on_tick();
    /// Announces what the feed added to the store since the last look.
    void show_fed();
    void on_finished(const QString& id, const QString& result);
    /// Reports the attached program's stream ending (once).
    void check_stream_end();
    /// Announces the attached program's step gate when it changed.
    void check_stream_gate();
    /// Forgets the attached program (the feed is stopped already).
    void detach();

    RequestSource source_;
    std::unique_ptr<TraceStore> store_;
    std::unique_ptr<GuiReadLock> read_lock_; // this thread reads store_ while awake
    std::unique_ptr<LiveStats> live_stats_;
    std::unique_ptr<TimelineFeed> feed_; // builds store_ during a run
    ExampleRunner* runner_ = nullptr;
    std::shared_ptr<trace::StreamClient> stream_; // the attached program, or null
    bool stream_end_reported_ = false;
    trace::StreamGate stream_gate_seen_; // the attached program's gate last announced
    QTimer* tick_ = nullptr;
    std::uint64_t applied_seen_ = 0; // feed_->applied() last announced
    bool stats_dirty_ = false;
    QElapsedTimer stats_clock_; // since the last snapshot asked for
    enum class Pending { None, Run, Step };
    Pending pending_ = Pending::None; // pressed while the last run was stopping
    int pending_steps_ = 1;
    bool discard_run_ = false;                             // events of a reset run are not drained
    bool starting_run_ = false;                            // inside runner_->start()
    std::uint64_t starts_ = 0;                             // runs started so far
    std::optional<std::pair<QString, QString>> early_end_; // reported inside start()
    struct Summary {
        std::shared_ptr<const trace::TraceStats> stats; // null: stopped
        std::shared_ptr<TaskTableModel::Rows> rows;
        std::shared_ptr<const trace::StateAtStep> rewind;
    };
    // Reads store_: declared last, so stopped before the store goes.
    std::unique_ptr<BackgroundJob<Summary>> summary_job_;
};

} // namespace pollscope::app
