#pragma once
// MainWindow: examples on the left, the timeline in the middle with the task
// table and event log below it, the selected example's panel on the right,
// and the toolbar (Run/Pause, Step, Reset, Shutdown, Open, Export). Runs
// examples through a RunController (which owns the run and the store and
// pumps them), keeps the views' selection in step through a SelectionSync,
// and exports/opens traces off the GUI thread.

#include "background_job.h"
#include "example_catalog.h"
#include "run_controller.h"
#include "state_at_step.h"
#include "stats.h"
#include "step_axis.h"
#include "task_table_model.h"
#include "trace_store.h"

#include <QMainWindow>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>
#include <tuple>

namespace Ui {
class MainWindow;
}
class QAction;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace pollscope::app {

class EventLogModel;
class ExamplePanel;
class ExampleRunner;
class RecentFiles;
class ResourceTableModel;
class StepsBuilder;
class SelectionSync;
class TaskDetailsPanel;
class QueuesPanel;
class TimelineView;
class TraceStore;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class ExportFormat { ChromeJson, Csv, Png, Svg };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Selects the example (stops a run first); false if the id is unknown.
    bool select_example(const QString& id);
    QString current_example_id() const;

    /// Toolbar actions, callable directly.
    void run();
    void pause();
    void toggle_run();
    void step(int n = 1);
    void reset();
    void shutdown();
    void send_events(int n);
    bool running() const;

    /// Writes the trace (JSON/CSV, on a worker thread) or the timeline
    /// (PNG/SVG); export_finished follows. Format from the suffix if unset.
    void export_to(const QString& path, std::optional<ExportFormat> format = std::nullopt);
    /// Loads a Chrome JSON trace on a worker thread; trace_opened or an error follows.
    void open_trace(const QString& path);
    /// Shows the program serving on the socket `path` live (File > Attach,
    /// --attach); an error dialog when it cannot. Returns whether it attached.
    bool attach(const QString& path);

    /// Drains the running example's recorder now (the timer does it too).
    void drain_now();
    /// The timeline's time axis: steps (one column per transition) or real time.
    void set_time_axis(bool steps);
    /// Brings the task table up to date now (waits for the statistics of
    /// every drained batch).
    void refresh_stats();

    /// Errors go to report_error(): a dialog (not blocking), and error_reported.
    /// With quiet errors (tests) only the signal.
    void set_quiet_errors(bool quiet) { quiet_errors_ = quiet; }

    const TraceStore& store() const { return *store_; }
    RunController* run_controller() const { return run_.get(); }
    TaskTableModel* task_model() const { return task_model_; }
    EventLogModel* log_model() const { return log_model_; }
    TimelineView* timeline() const;
    ExamplePanel* example_panel() const;
    ExampleRunner* runner() const { return run_->runner(); }
    RecentFiles* recent_files() const { return recent_; }
    QSortFilterProxyModel* task_proxy() const { return task_proxy_; }
    /// View > Tasks as a tree (Ctrl+T) and View > Group lanes by parent (Ctrl+G).
    QAction* task_tree_action() const { return task_tree_; }
    QAction* group_lanes_action() const { return group_lanes_; }
    /// The task selected in the table/timeline (0: none).
    std::uint32_t selected_task() const;
    void select_task(std::uint32_t task, int poll = -1);
    /// The task details window (main_window_details.cpp) for `task`
    /// (a double-click or Enter on its task table row).
    void open_task_details(std::uint32_t task);
    TaskDetailsPanel* task_details() const { return details_; }
    /// The queues panel (main_window_queues.cpp), in a dock: View > Queues (Q).
    QueuesPanel* queues_panel() const { return queues_; }
    /// The Resources tab beside the task table.
    ResourceTableModel* resource_model() const { return resource_model_; }
    QTableView* resource_table() const { return resource_table_; }
    /// Shows the Resources tab (its rows are computed while it is shown).
    void show_resources_tab();
    /// The status bar tells the timeline's selected resource and its tasks.
    void say_selected_resource();

    /// Rewind (main_window_rewind.cpp), in a finished run or an opened file:
    /// a cursor the task table shows the state at and the timeline draws.
    bool can_rewind() const;
    /// One transition back / forward (the first back starts at the end).
    void step_back();
    void step_forward();
    /// The cursor after the first `c` events (snapped to its step).
    void set_rewind_cursor(std::size_t c);
    /// No cursor: the table shows the end state again.
    void rewind_off();
    /// Events before the cursor, or -1 when there is none.
    std::int64_t rewind_cursor() const noexcept { return cursor_; }
    QAction* step_back_action() const { return step_back_; }
    QAction* step_forward_action() const { return step_forward_; }
    QAction* rewind_off_action() const { return rewind_off_; }

signals:
    void run_finished(const QString& id, const QString& result);
    void export_finished(const QString& path, bool ok, const QString& error);
    void trace_opened(const QString& path);
    void error_reported(const QString& title, const QString& message);

protected:
    virtual void report_error(const QString& title, const QString& message);
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void setup_actions();
    void setup_views();
    /// The task details window and the Resources tab (main_window_details.cpp).
    void setup_details();
    void setup_queues(); // main_window_queues.cpp
    void refresh_queues();
    /// The rewind actions and the timeline's scrubbing (main_window_rewind.cpp).
    void setup_rewind();
    /// Rewind's actions enabled as the run allows (the cursor goes when it cannot be).
    void update_rewind();
    /// The index of the store's states at each step, built when first asked for.
    const trace::StateAtStep& rewind_index();
    /// The task table at the cursor: rows changed since cursor `from` (-1: all).
    void show_cursor_rows(std::int64_t from);
    /// Brings them up to date when shown (the store or the statistics changed).
    void refresh_details();
    /// The end of the observation: a live run's present, else -1 (the trace's end).
    std::int64_t observation_end() const;
    void load_settings();
    void save_settings();
    void save_knobs();
    void load_knobs(const ExampleInfo& example);
    void show_example_of_trace();
    void update_actions();
    /// Shows what Run (`steps` 0) or Step did (also when done after a queue).
    void show_start(RunController::Start s, int steps);
    /// Shows what the run controller added to the store.
    void show_fed();
    void on_tick();
    /// The timeline's axis: steps (true) or real time.
    void set_steps_axis(bool on);
    /// Gives the timeline the store (or, in steps mode, its step model).
    void attach_timeline();
    /// Rebuilds the step model when the store changed (a big store's off
    /// this thread: the last steps meanwhile); false when the timeline is in
    /// real time (or the trace too big for steps, or its first steps not
    /// built yet).
    bool update_steps();
    /// The axis box shows the axis drawn (`on_steps`), and why it is not
    /// steps when steps were chosen.
    void show_axis(bool on_steps);
    void show_stats(trace::TraceStats stats);
    /// The task table's rows (labels built, on any thread) and what follows them.
    void show_rows(TaskTableModel::Rows rows);
    /// An opened file's statistics and rows, computed after it was shown.
    void show_summary(std::shared_ptr<const trace::TraceStats> stats,
                      std::shared_ptr<TaskTableModel::Rows> rows,
                      std::shared_ptr<const trace::StateAtStep> rewind);
    void follow_now();
    void update_events_sent();
    void on_blocked(std::uint32_t task);
    /// The attached program's stream in the status bar and the title
    /// (events received, dropped, missed; main_window_stream.cpp).
    void show_stream_state();
    QString stream_title() const;
    void on_run_finished(const QString& id, const QString& result, bool shown);
    void on_store_replaced();
    void update_log_task_filter();
    /// The task tree and lane grouping switches (View menu, buttons).
    void add_tree_actions(QMenu* view_menu);
    void resize_task_columns();
    /// Tree mode with few tasks: every row open.
    void expand_small_tree();
    /// The views of an empty store (the controller cleared it).
    void clear_views();
    void export_dialog();
    void open_dialog();
    void attach_dialog();
    /// A job on a worker thread: its progress (permille).
    struct JobProgress {
        std::atomic<int> permille{0};
    };
    void set_busy(const QString& what, std::shared_ptr<JobProgress> progress);
    void show_progress();
    void clear_busy();

    std::unique_ptr<Ui::MainWindow> ui_;
    std::unique_ptr<RunController> run_; // the run and the store it builds
    const TraceStore* store_ = nullptr;  // run_'s
    SelectionSync* selection_ = nullptr;
    std::unique_ptr<StepsBuilder> steps_build_; // the steps axis' model of the store
    bool steps_ = true;                         // steps chosen (shown when the trace fits)
    bool steps_asked_ = false;                  // set_steps_axis(true) is attaching
    QComboBox* axis_box_ = nullptr;
    RecentFiles* recent_ = nullptr;
    TaskTableModel* task_model_ = nullptr;
    QSortFilterProxyModel* task_proxy_ = nullptr;
    QAction* task_tree_ = nullptr;
    QAction* group_lanes_ = nullptr;
    EventLogModel* log_model_ = nullptr;
    TaskDetailsPanel* details_ = nullptr;
    QueuesPanel* queues_ = nullptr;
    ResourceTableModel* resource_model_ = nullptr;
    QTableView* resource_table_ = nullptr;
    QWidget* resources_tab_ = nullptr;
    QLabel* status_label_ = nullptr;
    QLabel* stream_label_ = nullptr; // an attached program's stream: received, lost
    QProgressBar* progress_ = nullptr;
    int refreshes_ = 0;
    bool quiet_errors_ = false;
    bool viewing_file_ = false;
    // An opened file's statistics (computed with its model, off this thread).
    std::shared_ptr<const trace::TraceStats> file_stats_;
    int busy_jobs_ = 0;
    // Rewind: the cursor (-1: none) and the index it reads.
    std::int64_t cursor_ = -1;
    std::shared_ptr<const trace::StateAtStep> rewind_;
    /// Which trace the store holds (its generation, events and end: a
    /// replaced store's generation alone could repeat the old one's).
    using StoreIdentity = std::tuple<std::uint64_t, std::size_t, std::int64_t>;
    StoreIdentity store_identity() const;
    StoreIdentity rewind_of_; // the trace rewind_ indexes
    StoreIdentity cursor_of_; // the trace cursor_ is in
    QAction* step_back_ = nullptr;
    QAction* step_forward_ = nullptr;
    QAction* rewind_off_ = nullptr;
    QTimer* progress_timer_ = nullptr;
    std::shared_ptr<JobProgress> job_progress_; // shown by the progress bar
    QString opened_name_;                       // the file shown (its status line)
    struct Loaded;
    // Last: stopped (and waited for) before the rest of the window goes.
    std::unique_ptr<BackgroundJobs<Loaded>> open_jobs_;
    std::unique_ptr<BackgroundJobs<QString>> export_jobs_ =
        std::make_unique<BackgroundJobs<QString>>();
    int list_width_ = 210;       // the examples list's natural width
    bool default_split_ = false; // no saved splitter layout: size it when shown
};

} // namespace pollscope::app
