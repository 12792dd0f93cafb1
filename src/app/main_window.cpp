#include "main_window.h"

#include "about_dialog.h"
#include "narration.h"
#include "recent_files.h"
#include "resource_table_model.h"
#include "selection_sync.h"
#include "step_axis.h"
#include "steps_builder.h"
#include "timeline_palette.h"

#include "event_log_model.h"
#include "example_panel.h"
#include "example_runner.h"
#include "stats.h"
#include "stats_scan.h"
#include "stream_client.h"
#include "task_sort_proxy.h"
#include "task_table_model.h"
#include "timeline_view.h"
#include "trace_file.h"
#include "trace_store.h"
#include "ui_main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPicture>
#include <QPointer>
#include <QProgressBar>
#include <QSettings>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QSvgGenerator>
#include <QThread>
#include <QTimer>
#include <QToolButton>

// The icons' .qrc is compiled into a static library: register it explicitly.
static void init_resources() {
    Q_INIT_RESOURCE(pollscope);
}

namespace pollscope::app {

namespace {

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

/// Result of a worker-thread export: empty on success, else the reason.
QString write_trace(const QString& path, const trace::Trace& t, trace::FileFormat format,
                    const std::function<void(double)>& progress) {
    trace::SaveOptions o;
    o.format = format;
    QString error;
    if (!trace::save_trace(path, t, o, &error, progress))
        return error.isEmpty() ? QObject::tr("Could not write %1").arg(path) : error;
    return {};
}

/// The example a trace was recorded from, guessed from its first task: the
/// example whose source file holds that task's spawn site, and (join, select
/// and spawn share a file) whose id is a word of the task's name
/// ("test_select_spawned": select). nullptr when none fits.
const ExampleInfo* example_of_trace(const trace::Trace& t) {
    std::uint32_t task = 0;
    QString file;
    QString name;
    for (const auto& e : t.events) {
        if (task == 0 && e.kind == trace::EventKind::Spawn) {
            task = e.task;
            if (e.arg2 < t.locations.size())
                file = qs(t.string(t.locations[e.arg2].file));
        } else if (task != 0 && e.task == task && e.kind == trace::EventKind::TaskName) {
            name = qs(t.string(e.arg));
            break;
        }
    }
    if (file.isEmpty())
        return nullptr;
    const ExampleInfo* found = nullptr;
    for (const auto& e : examples()) {
        if (e.code_file.isEmpty() || !file.endsWith(e.code_file))
            continue;
        if (!found || name.split(QLatin1Char('_')).contains(e.id))
            found = &e;
    }
    return found;
}

QIcon themed(const char* name, QStyle::StandardPixmap fallback, QWidget* w) {
    return QIcon::fromTheme(QLatin1String(name), w->style()->standardIcon(fallback));
}

} // namespace

/// A trace read and indexed on a worker thread (its statistics follow:
/// RunController::summarise_store), or why it could not be.
struct MainWindow::Loaded {
    std::shared_ptr<TraceStore> store;
    QString error;
};

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , ui_(std::make_unique<Ui::MainWindow>())
    , run_(std::make_unique<RunController>([this] {
        // What Run and Step start: the panel's example with its knobs.
        RunController::Request r;
        r.example = ui_->examplePanel->example();
        if (r.example)
            r.knobs = ui_->examplePanel->knob_values();
        return r;
    }))
    , store_(&run_->store()) {
    open_jobs_ = std::make_unique<BackgroundJobs<Loaded>>();
    // A big store's steps come from a job: shown once they are there.
    steps_build_ = std::make_unique<StepsBuilder>(this, [this] { attach_timeline(); });
    init_resources();
    ui_->setupUi(this);
    setWindowIcon(QIcon(QStringLiteral(":/icons/pollscope.svg")));
    connect(run_.get(), &RunController::store_reset, this, &MainWindow::clear_views);
    // The timeline's resource job reads the store: stopped before it changes.
    connect(run_.get(), &RunController::store_changing, ui_->timeline,
            &TimelineView::stop_resource_lanes);
    connect(run_.get(), &RunController::store_changing, this, [this] { steps_build_->stop(); });
    connect(run_.get(), &RunController::starting, this, [this] {
        viewing_file_ = false;
        save_knobs();
    });
    connect(run_.get(), &RunController::fed, this, &MainWindow::show_fed);
    connect(run_.get(), &RunController::stats_ready, this, &MainWindow::show_stats);
    connect(run_.get(), &RunController::summary_ready, this, &MainWindow::show_summary);
    connect(run_.get(), &RunController::ticked, this, &MainWindow::on_tick);
    connect(run_.get(), &RunController::blocked, this, &MainWindow::on_blocked);
    connect(run_.get(), &RunController::state_changed, this, &MainWindow::update_actions);
    connect(run_.get(), &RunController::run_finished, this, &MainWindow::on_run_finished);
    connect(run_.get(), &RunController::queued_done, this, &MainWindow::show_start);
    connect(run_.get(), &RunController::error_reported, this, &MainWindow::report_error);
    setup_views();
    setup_actions();
    setup_rewind();
    setup_queues();

    for (const auto& e : examples()) {
        auto* item = new QListWidgetItem(e.title, ui_->exampleList);
        item->setData(Qt::UserRole, e.id);
        item->setToolTip(tr("%1\n(pollscope --example %2)").arg(e.title, e.id));
    }
    // Only a chosen (selected) row switches: focus alone makes a row current
    // unselected, which must not throw away an opened trace.
    auto choose_example = [this](int row) {
        if (row < 0 || row >= int(examples().size()) || !ui_->exampleList->item(row)->isSelected())
            return;
        const auto& e = examples()[std::size_t(row)];
        if (ui_->examplePanel->example() == &e)
            return;
        save_knobs();
        if (run_->running())
            reset();
        run_->clear();
        ui_->examplePanel->set_example(&e);
        load_knobs(e);
        viewing_file_ = false;
        // Steps suit the short teaching examples; the choice is remembered.
        axis_box_->setCurrentIndex(
            QSettings().value(QStringLiteral("axis/") + e.id, true).toBool() ? 0 : 1);
        setWindowTitle(tr("Pollscope — %1").arg(e.title));
        status_label_->setText(tr("Ready: press Run (Space) or Step (S)"));
        update_actions();
    };
    connect(ui_->exampleList, &QListWidget::currentRowChanged, this, choose_example);
    connect(ui_->exampleList, &QListWidget::itemSelectionChanged, this, [this, choose_example] {
        const auto chosen = ui_->exampleList->selectedItems();
        if (!chosen.isEmpty())
            choose_example(ui_->exampleList->row(chosen.first()));
    });
    connect(ui_->previousButton, &QPushButton::clicked, this, [this] {
        ui_->exampleList->setCurrentRow(std::max(0, ui_->exampleList->currentRow() - 1));
    });
    connect(ui_->nextButton, &QPushButton::clicked, this, [this] {
        ui_->exampleList->setCurrentRow(
            std::min(ui_->exampleList->count() - 1, ui_->exampleList->currentRow() + 1));
    });
    connect(ui_->examplePanel, &ExamplePanel::send_events, this, &MainWindow::send_events);

    load_settings();
    if (ui_->exampleList->currentRow() < 0 && ui_->exampleList->count() > 0)
        ui_->exampleList->setCurrentRow(0);
    update_actions();
}

MainWindow::~MainWindow() {
    // The controller stops the feed and the run; the timeline (a child,
    // destroyed after the controller and its store) stops reading it first.
    ui_->timeline->stop_resource_lanes();
    resource_model_->stop();
    steps_build_->stop();
}

TimelineView* MainWindow::timeline() const {
    return ui_->timeline;
}

ExamplePanel* MainWindow::example_panel() const {
    return ui_->examplePanel;
}

void MainWindow::setup_actions() {
    ui_->actionRun->setIcon(themed("media-playback-start", QStyle::SP_MediaPlay, this));
    ui_->actionPause->setIcon(themed("media-playback-pause", QStyle::SP_MediaPause, this));
    ui_->actionStep->setIcon(themed("go-next", QStyle::SP_MediaSeekForward, this));
    ui_->actionStepN->setIcon(themed("media-skip-forward", QStyle::SP_MediaSkipForward, this));
    ui_->actionReset->setIcon(themed("view-refresh", QStyle::SP_BrowserReload, this));
    ui_->actionShutdown->setIcon(themed("system-shutdown", QStyle::SP_MediaStop, this));
    ui_->actionOpen->setIcon(themed("document-open", QStyle::SP_DialogOpenButton, this));
    ui_->actionExport->setIcon(themed("document-save-as", QStyle::SP_DialogSaveButton, this));

    connect(ui_->actionRun, &QAction::triggered, this, &MainWindow::run);
    connect(ui_->actionPause, &QAction::triggered, this, &MainWindow::pause);
    connect(ui_->actionStep, &QAction::triggered, this, [this] { step(1); });
    connect(ui_->actionStepN, &QAction::triggered, this, [this] {
        bool ok = false;
        const int n =
            QInputDialog::getInt(this, tr("Step N polls"), tr("Polls:"), 10, 1, 1'000'000, 1, &ok);
        if (ok)
            step(n);
    });
    connect(ui_->actionReset, &QAction::triggered, this, &MainWindow::reset);
    connect(ui_->actionShutdown, &QAction::triggered, this, &MainWindow::shutdown);
    connect(ui_->actionExport, &QAction::triggered, this, &MainWindow::export_dialog);
    connect(ui_->actionOpen, &QAction::triggered, this, &MainWindow::open_dialog);
    connect(ui_->actionAttach, &QAction::triggered, this, &MainWindow::attach_dialog);
    connect(ui_->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(ui_->actionToggleRun, &QAction::triggered, this, &MainWindow::toggle_run);
    connect(ui_->actionPrevious, &QAction::triggered, ui_->previousButton, &QPushButton::click);
    connect(ui_->actionNext, &QAction::triggered, ui_->nextButton, &QPushButton::click);
    connect(ui_->actionAbout, &QAction::triggered, this, [this] {
        auto* about = new AboutDialog(this);
        about->setAttribute(Qt::WA_DeleteOnClose);
        about->show();
    });
    connect(ui_->actionAboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
    recent_ = new RecentFiles(ui_->menuRecent, this);
    connect(recent_, &RecentFiles::open_requested, this, &MainWindow::open_trace);
    // The toolbar's Run and Pause share Space through the menu's Run / Pause.
    addAction(ui_->actionToggleRun);
}

void MainWindow::setup_views() {
    status_label_ = new QLabel(this);
    status_label_->setObjectName(QStringLiteral("statusText"));
    statusBar()->addWidget(status_label_, 1);
    stream_label_ = new QLabel(this);
    stream_label_->setObjectName(QStringLiteral("streamText"));
    stream_label_->hide();
    statusBar()->addPermanentWidget(stream_label_);
    progress_ = new QProgressBar(this);
    progress_->setMaximumWidth(180);
    progress_->setRange(0, 1000);
    progress_->hide();
    progress_timer_ = new QTimer(this);
    progress_timer_->setInterval(50);
    connect(progress_timer_, &QTimer::timeout, this, &MainWindow::show_progress);
    statusBar()->addPermanentWidget(progress_);

    attach_timeline();
    ui_->mainSplitter->setStretchFactor(0, 0);
    ui_->mainSplitter->setStretchFactor(1, 1);
    ui_->mainSplitter->setStretchFactor(2, 0);
    // The examples list as wide as its longest title.
    int list_width = 0;
    for (const auto& e : examples())
        list_width =
            std::max(list_width, ui_->exampleList->fontMetrics().horizontalAdvance(e.title));
    list_width += 2 * ui_->exampleList->frameWidth() + 24;
    list_width_ = list_width;
    ui_->mainSplitter->setSizes({list_width, 1540 - list_width - 500, 500});
    ui_->centreSplitter->setStretchFactor(0, 3);
    ui_->centreSplitter->setStretchFactor(1, 2);
    ui_->centreSplitter->setSizes({520, 300});
    // The legend: items separated by plain spaces (inside an item, no break),
    // so a narrow timeline wraps it onto a second line instead of clipping it.
    struct Item {
        QColor colour;
        const char* glyph;
        QString text;
    };
    const Item items[] = {
        {palette::kPending, "■", tr("Pending")}, {palette::kReady, "■", tr("Ready")},
        {palette::kFailed, "■", tr("Failed")},   {palette::kRunning, "■", tr("running")},
        {palette::kWake, "➝", tr("wake")},       {palette::kSpawn, "▶", tr("spawn")},
        {palette::kCancel, "✕", tr("cancel")},   {palette::kShutdown, "◆", tr("shutdown")},
        {palette::kMark, "⚑", tr("mark")}};
    QStringList legend;
    for (const auto& i : items)
        legend << QStringLiteral("<span style='color:%1'>%2</span>&nbsp;%3")
                      .arg(i.colour.name(), QString::fromUtf8(i.glyph), i.text);
    ui_->legend->setText(legend.join(QStringLiteral(" &nbsp; ")));
    ui_->legend->setToolTip(
        tr("Poll bars: Pending (blue), Ready (green), failed (red), still running (violet). "
           "Orange arrows go from a wake to the poll it caused; markers show spawn, cancel, "
           "shutdown and the example's marks."));
    // Below the timeline, as wide as it: wraps onto a second line when narrow.
    ui_->legend->setWordWrap(true);
    ui_->legend->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Minimum);
    ui_->legend->setMinimumWidth(0);
    ui_->legend->setContentsMargins(4, 1, 4, 1);
    ui_->laneMode->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(ui_->laneMode, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        ui_->timeline->set_lane_mode(i == 1 ? TimelineView::LaneMode::Workers
                                            : TimelineView::LaneMode::Tasks);
    });
    // Time axis: real time, or one step per transition (T switches).
    axis_box_ = new QComboBox(this);
    axis_box_->addItem(tr("steps"));
    axis_box_->addItem(tr("real time"));
    axis_box_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    ui_->timelineBar->insertWidget(2, new QLabel(tr("Axis:"), this));
    ui_->timelineBar->insertWidget(3, axis_box_);
    show_axis(ui_->timeline->steps_mode()); // its tooltip
    connect(axis_box_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        set_steps_axis(i == 0);
        if (const auto* e = ui_->examplePanel->example(); e && !viewing_file_)
            QSettings().setValue(QStringLiteral("axis/") + e->id, i == 0);
    });
    auto* toggle_axis = new QAction(tr("Switch time axis (steps / real time)"), this);
    toggle_axis->setShortcut(QKeySequence(Qt::Key_T));
    connect(toggle_axis, &QAction::triggered, this,
            [this] { axis_box_->setCurrentIndex(axis_box_->currentIndex() == 0 ? 1 : 0); });
    // A View menu before Help: the timeline's own switches.
    auto* view_menu = new QMenu(tr("&View"), menuBar());
    view_menu->setObjectName(QStringLiteral("menuView"));
    view_menu->addAction(toggle_axis);
    add_tree_actions(view_menu);
    menuBar()->insertMenu(ui_->menuHelp->menuAction(), view_menu);
    connect(ui_->followLive, &QCheckBox::toggled, ui_->timeline, &TimelineView::set_follow_live);
    connect(ui_->timeline, &TimelineView::follow_live_changed, ui_->followLive,
            &QCheckBox::setChecked);
    connect(ui_->fitButton, &QPushButton::clicked, ui_->timeline, &TimelineView::fit);

    task_model_ = new TaskTableModel(this);
    task_proxy_ = new TaskSortProxy(task_model_, this);
    ui_->taskTable->setModel(task_proxy_);
    ui_->taskTable->setSortingEnabled(true);
    ui_->taskTable->sortByColumn(TaskTableModel::Id, Qt::AscendingOrder);
    ui_->taskTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    ui_->taskTable->setSelectionMode(QAbstractItemView::SingleSelection);
    ui_->taskTable->setUniformRowHeights(true);            // 500k rows lay out in one pass
    ui_->taskTable->setRootIsDecorated(false);             // flat until the tree is asked for
    ui_->taskTable->setTreePosition(TaskTableModel::Name); // names indent, not the ids
    ui_->taskTable->header()->setStretchLastSection(true);
    ui_->taskTable->setAlternatingRowColors(true);
    connect(ui_->taskFilter, &QLineEdit::textChanged, task_proxy_,
            &QSortFilterProxyModel::setFilterFixedString);

    log_model_ = new EventLogModel(store_, this);
    ui_->eventLog->setModel(log_model_);
    ui_->eventLog->setSelectionBehavior(QAbstractItemView::SelectRows);
    ui_->eventLog->verticalHeader()->hide();
    ui_->eventLog->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    ui_->eventLog->horizontalHeader()->setStretchLastSection(true);
    ui_->eventLog->setColumnWidth(EventLogModel::Time, 100);
    ui_->eventLog->setColumnWidth(EventLogModel::Thread, 150);
    ui_->eventLog->setColumnWidth(EventLogModel::Kind, 100);
    ui_->eventLog->setColumnWidth(EventLogModel::Task, 140);
    // The step told in a line, before the details (which stretch, last).
    ui_->eventLog->setColumnWidth(EventLogModel::Story, 380);
    ui_->eventLog->horizontalHeader()->moveSection(EventLogModel::Story, EventLogModel::Details);
    ui_->logKindFilter->addItem(tr("all events"), -1);
    for (int k = 0; k < trace::kEventKindCount; ++k)
        ui_->logKindFilter->addItem(qs(trace::kind_name(trace::EventKind(k))), k);
    connect(ui_->logKindFilter, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int) {
        log_model_->set_kind_filter(ui_->logKindFilter->currentData().toInt());
    });
    ui_->logTaskFilter->addItem(tr("all tasks"), 0);
    connect(ui_->logTaskFilter, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int) {
        log_model_->set_task_filter(std::uint32_t(ui_->logTaskFilter->currentData().toUInt()));
    });

    SelectionSync::Views views;
    views.timeline = ui_->timeline;
    views.table = ui_->taskTable;
    views.proxy = task_proxy_;
    views.model = task_model_;
    views.log = ui_->eventLog;
    views.log_model = log_model_;
    views.code = ui_->examplePanel;
    selection_ = new SelectionSync(*store_, views, this);
    setup_details();
}

QString MainWindow::current_example_id() const {
    const auto* e = ui_->examplePanel->example();
    return e ? e->id : QString();
}

bool MainWindow::select_example(const QString& id) {
    for (int i = 0; i < ui_->exampleList->count(); ++i)
        if (ui_->exampleList->item(i)->data(Qt::UserRole).toString() == id) {
            ui_->exampleList->setCurrentRow(i);
            return true;
        }
    return false;
}

bool MainWindow::running() const {
    return run_->running();
}

std::uint32_t MainWindow::selected_task() const {
    return selection_->selected_task();
}

void MainWindow::select_task(std::uint32_t task, int poll) {
    selection_->select_task(task, poll);
}

void MainWindow::clear_views() {
    rewind_off();
    stream_label_->setVisible(run_->stream() != nullptr);
    selection_->clear();
    task_model_->clear();
    log_model_->refresh();
    ui_->timeline->set_waiting_task(0);
    ui_->timeline->set_live_now(-1);
    attach_timeline();
    ui_->examplePanel->highlight_site({}, 0);
    update_log_task_filter();
    refresh_details();
}

void MainWindow::run() {
    show_start(run_->run(), 0);
}

void MainWindow::pause() {
    if (run_->pause())
        status_label_->setText(tr("Pausing at the next poll…"));
}

void MainWindow::toggle_run() {
    if (run_->can_pause())
        pause();
    else
        run();
}

void MainWindow::step(int n) {
    show_start(run_->step(n), n);
}

void MainWindow::show_start(RunController::Start s, int steps) {
    using Start = RunController::Start;
    if (s == Start::Nothing || s == Start::Refused) // (error_reported says why)
        return;
    if (s == Start::Queued) {
        status_label_->setText(steps == 0
                                   ? tr("Starting as soon as the previous run has stopped…")
                                   : tr("Stepping as soon as the previous run has stopped…"));
        return;
    }
    if (s == Start::Started) {
        ui_->timeline->set_follow_live(true);
        update_events_sent();
    }
    ui_->timeline->set_waiting_task(0);
    const QString what = run_->stream() ? QString::fromStdString(run_->stream()->hello().program)
                                        : current_example_id();
    status_label_->setText(steps == 0   ? tr("Running %1").arg(what)
                           : steps == 1 ? tr("Stepping one poll")
                                        : tr("Stepping %1 polls").arg(steps));
}

void MainWindow::reset() {
    run_->reset();
    status_label_->setText(tr("Reset"));
}

void MainWindow::shutdown() {
    if (run_->stream()) {
        status_label_->setText(
            run_->shutdown() ? tr("Shutdown asked of %1")
                                   .arg(QString::fromStdString(run_->stream()->hello().program))
                             : tr("This program has no shutdown handler"));
        return;
    }
    if (!run_->shutdown())
        status_label_->setText(tr("This example has no shutdown signal"));
    else
        status_label_->setText(run_->paused()
                                   ? tr("Shutdown sent: Step or Run to watch the tasks exit")
                                   : tr("Shutdown sent: the loops finish what they hold and exit"));
}

void MainWindow::send_events(int n) {
    // After Shutdown the buttons are off: the loop is finishing what it holds.
    const auto* st = runner()->state();
    if (st && st->control.shutdown_requested() && run_->running()) {
        status_label_->setText(tr("Not sent: Shutdown was sent, the event loop is finishing"));
        return;
    }
    if (!run_->send_events(n))
        status_label_->setText(run_->running() ? tr("Not sent: the event loop is shutting down")
                                               : tr("Not sent: the example is not running"));
    update_events_sent();
}

void MainWindow::update_events_sent() {
    // The counter is the control's count: exactly the events the example took.
    if (const auto* st = runner()->state())
        ui_->examplePanel->set_events_sent(st->control.events_sent());
}

void MainWindow::update_actions() {
    // A run that is stopping (Reset) counts as gone: Run and Step queue.
    const bool run = run_->running() && !run_->stopping();
    const bool paused = run_->paused();
    const bool has_example = ui_->examplePanel->example() != nullptr;
    // An attached program with a step gate: the same actions, on its polls.
    const bool steps = run_->attached_steps();
    ui_->actionRun->setEnabled((has_example && (!run || paused)) || (steps && paused));
    ui_->actionPause->setEnabled((run || steps) && !paused);
    ui_->actionStep->setEnabled(has_example || steps);
    ui_->actionStepN->setEnabled(has_example || steps);
    ui_->actionReset->setEnabled(run || run_->stream() || !store_->empty());
    const auto* e = ui_->examplePanel->example();
    const bool shutting_down = run && runner()->state()->control.shutdown_requested();
    ui_->actionShutdown->setEnabled(
        (run && e && e->has_shutdown && !shutting_down) ||
        (run_->attached_live() && run_->stream()->hello().can_shutdown));
    ui_->actionExport->setEnabled(!store_->empty());
    ui_->actionRun->setText((run || steps) && paused ? tr("Resume") : tr("Run"));
    ui_->examplePanel->set_running(run && !shutting_down);
    ui_->actionToggleRun->setEnabled(has_example || steps);
    update_rewind();
}

void MainWindow::drain_now() {
    run_->drain_now();
}

void MainWindow::show_fed() {
    // The feed built the model on its thread; this one only shows it.
    log_model_->refresh();
    if (!update_steps())
        ui_->timeline->store_changed();
}

void MainWindow::set_time_axis(bool steps) {
    axis_box_->setCurrentIndex(steps ? 0 : 1);
}

void MainWindow::set_steps_axis(bool on) {
    steps_ = on;
    steps_asked_ = on;
    attach_timeline();
    steps_asked_ = false;
}

void MainWindow::attach_timeline() {
    if (!steps_ || !update_steps())
        ui_->timeline->set_step_axis(nullptr, nullptr, store_);
}

bool MainWindow::update_steps() {
    // The step axis is the model rebuilt over warped time: O(events), so
    // only while the trace is of a size a person steps through.
    const StepsBuilder::Steps* s = steps_ ? steps_build_->update(*store_) : nullptr;
    if (s)
        ui_->timeline->set_step_axis(&s->store, &s->axis, store_);
    show_axis(s != nullptr);
    return s != nullptr;
}

void MainWindow::show_axis(bool on_steps) {
    if (!axis_box_)
        return;
    const auto events = store_->trace().events.size();
    const bool fits = StepsBuilder::fits(events);
    const QString tip = tr("Steps: every transition one column, idle stretches collapsed "
                           "into labelled breaks. Real time: to scale. (T switches)");
    QString why;
    if (!fits)
        why = tr("Steps are offered up to %L1 events; this trace has %L2: the timeline is in "
                 "real time.")
                  .arg(StepsBuilder::kMaxEvents)
                  .arg(events);
    else if (steps_ && !on_steps)
        why = tr("Building the steps of %L1 events: real time meanwhile.").arg(events);
    // The steps choice cannot be made while the trace is too big for it.
    if (auto* m = qobject_cast<QStandardItemModel*>(axis_box_->model()))
        if (QStandardItem* item = m->item(0)) {
            item->setEnabled(fits);
            item->setToolTip(fits ? QString() : why);
        }
    const QSignalBlocker block(axis_box_); // the choice (steps_) stays as it was
    axis_box_->setCurrentIndex(on_steps ? 0 : 1);
    axis_box_->setToolTip(why.isEmpty() ? tip : tip + QStringLiteral("\n\n") + why);
    // Steps chosen just now (the box, T) and refused: said where one looks.
    if (steps_asked_ && !fits)
        status_label_->setText(why);
}

void MainWindow::on_tick() {
    update_events_sent();
    show_stream_state();
    follow_now();
}

void MainWindow::follow_now() {
    // Follow live keeps moving with the clock while the run is live, even
    // when no event arrives (an idle example must not look frozen). The
    // virtual clock stands still while nothing happens; a paused run too.
    auto* tl = ui_->timeline;
    const bool live = run_->live() && !store_->empty() && !ui_->timeline->steps_mode();
    // Waiting tasks' lines reach the present while the run is live.
    tl->set_live_now(live ? run_->now() : -1);
    if (!live || !tl->follow_live())
        return;
    const std::int64_t now = std::max(run_->now(), store_->end_ts());
    TimeMapping m = tl->mapping();
    if (now - store_->start_ts() < 20'000'000'000LL)
        m.fit(store_->start_ts(), now); // grow with the run for its first seconds
    else
        m.follow(now); // then keep the newest span in view
    tl->set_mapping_range(m.start, m.end);
}

void MainWindow::refresh_stats() {
    // A trace opened from a file has no accumulator behind it: its numbers
    // are computed whole, once, after it is shown (summarise_store()).
    if (!viewing_file_)
        show_stats(run_->stats_now());
    else if (file_stats_)
        show_stats(*file_stats_);
}

void MainWindow::show_stats(trace::TraceStats stats) {
    // The whole-trace scan's warnings (stuck, lost message, task flood), once
    // the run is over: one pass over the events, not on every live refresh
    // (an opened file's come with its statistics).
    if (!run_->running() && !viewing_file_)
        trace::add_scan_warnings(*store_, stats);
    show_rows(TaskTableModel::rows_of(std::move(stats), store_));
}

void MainWindow::show_rows(TaskTableModel::Rows rows) {
    const std::size_t before = task_model_->stats().tasks.size();
    task_model_->set_rows(std::move(rows));
    if (cursor_ >= 0)
        show_cursor_rows(-1);
    const std::size_t tasks = task_model_->stats().tasks.size();
    if (tasks != before)
        expand_small_tree();
    // Columns fit their contents (values grow during a run: no "521.1 …").
    if (tasks < 300 && (tasks != before || ++refreshes_ % 4 == 0))
        resize_task_columns();
    // Keep a task selected while the run goes on (the first, the example's
    // main task, unless the person picked one): the table row, and the
    // code line it waits at now.
    if (selection_->selected_task() == 0 && run_->running() && !store_->task_lanes().empty())
        selection_->auto_select(store_->task_lanes().front().key);
    else if (selection_->selected_task() != 0)
        selection_->sync_table();
    selection_->sync_code();
    update_log_task_filter();
    update_actions();
    refresh_details();
}

void MainWindow::add_tree_actions(QMenu* view_menu) {
    task_tree_ = new QAction(tr("Tasks as a tree"), this);
    task_tree_->setObjectName(QStringLiteral("actionTaskTree"));
    task_tree_->setCheckable(true);
    task_tree_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    task_tree_->setToolTip(tr("Show each task under the task that spawned it (Ctrl+T)"));
    connect(task_tree_, &QAction::toggled, this, [this](bool on) {
        task_model_->set_tree(on);
        ui_->taskTable->setRootIsDecorated(on);
        expand_small_tree();
        selection_->sync_table(); // the selected task's row again, its parents expanded
    });
    ui_->taskTreeButton->setDefaultAction(task_tree_);
    group_lanes_ = new QAction(tr("Group lanes by parent"), this);
    group_lanes_->setObjectName(QStringLiteral("actionGroupLanes"));
    group_lanes_->setCheckable(true);
    group_lanes_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    group_lanes_->setToolTip(
        tr("Order task lanes by the spawn tree: each child right below its parent (Ctrl+G)"));
    connect(group_lanes_, &QAction::toggled, ui_->timeline, &TimelineView::set_group_by_parent);
    auto* group_button = new QToolButton(this);
    group_button->setDefaultAction(group_lanes_);
    group_button->setText(tr("Group by parent"));
    ui_->timelineBar->insertWidget(4, group_button);
    view_menu->addSeparator();
    view_menu->addAction(group_lanes_);
    view_menu->addAction(task_tree_);
}

void MainWindow::expand_small_tree() {
    // A few tasks read best all open (test_spawn with task_1..3 below it); a
    // big tree opens where a person clicks (or selects).
    constexpr std::size_t kOpenTreeTasks = 1000;
    if (task_model_->tree() && task_model_->stats().tasks.size() < kOpenTreeTasks)
        ui_->taskTable->expandAll();
}

void MainWindow::resize_task_columns() {
    for (int c = 0; c < TaskTableModel::ColumnCount; ++c)
        ui_->taskTable->resizeColumnToContents(c);
}

void MainWindow::update_log_task_filter() {
    // A menu of half a million tasks takes seconds to fill and cannot be
    // used: the first kMaxFilterTasks, and a line that says how many more.
    constexpr std::size_t kMaxFilterTasks = 1000;
    const auto current = ui_->logTaskFilter->currentData().toUInt();
    const auto& tasks = task_model_->stats().tasks;
    const std::size_t listed = std::min(tasks.size(), kMaxFilterTasks);
    const int items = 1 + int(listed) + (tasks.size() > listed ? 1 : 0);
    if (ui_->logTaskFilter->count() == items)
        return;
    QSignalBlocker block(ui_->logTaskFilter);
    ui_->logTaskFilter->clear();
    ui_->logTaskFilter->addItem(tr("all tasks"), 0);
    for (std::size_t i = 0; i < listed; ++i)
        if (const auto id = tasks[i].id; id != 0)
            ui_->logTaskFilter->addItem(store_->task_title(id), id);
    if (tasks.size() > listed) {
        ui_->logTaskFilter->addItem(tr("… %1 more tasks not listed").arg(tasks.size() - listed),
                                    QVariant());
        // Shown, not chosen: the line is disabled in the combo's model.
        if (auto* m = qobject_cast<QStandardItemModel*>(ui_->logTaskFilter->model()))
            m->item(ui_->logTaskFilter->count() - 1)->setEnabled(false);
    }
    const int i = ui_->logTaskFilter->findData(current);
    ui_->logTaskFilter->setCurrentIndex(std::max(0, i));
    if (i < 0 && current != 0)
        log_model_->set_task_filter(0);
}

void MainWindow::on_blocked(std::uint32_t task) {
    ui_->timeline->set_waiting_task(task);
    // The step's line: the poll it let run (its end), told as the article would.
    const auto& ev = store_->trace().events;
    QString told;
    for (std::size_t i = ev.size(), n = 0; i-- > 0 && n < 64; ++n)
        if (ev[i].kind == trace::EventKind::PollEnd) {
            told = QString::fromStdString(trace::narrate(*store_, i)) + QStringLiteral(" — ");
            break;
        }
    status_label_->setText(told + tr("Paused before polling %1 — Step (S) lets it run one poll")
                                      .arg(store_->task_label(task)));
    // Follow the waiting task unless the person picked one.
    if (selection_->follows() || selection_->selected_task() == task)
        selection_->auto_select(task);
}

void MainWindow::on_run_finished(const QString& id, const QString& result, bool shown) {
    ui_->timeline->set_live_now(-1);
    if (shown) {
        refresh_stats();
        if (task_model_->rowCount() < 300)
            resize_task_columns();
        ui_->timeline->set_waiting_task(0);
        ui_->timeline->store_changed();
        if (ui_->timeline->follow_live())
            ui_->timeline->fit();
        update_events_sent();
        // Nothing selected: show where the first task (the example's main
        // task) waited, so the code panel points into the example.
        if (selection_->follows() && !store_->task_lanes().empty())
            selection_->auto_select(store_->task_lanes().front().key);
        status_label_->setText(tr("%1 finished: %2").arg(id, result));
        if (const auto* stream = run_->stream()) {
            ui_->examplePanel->show_description(
                tr("# %1\n\nProcess %2, attached over `%3`: %4.\n\nWhat it recorded until "
                   "then stays here: study it, export it, or attach again (Ctrl+Shift+A).")
                    .arg(id)
                    .arg(stream->hello().pid)
                    .arg(QString::fromStdString(stream->path()))
                    .arg(result));
            show_stream_state();
        }
    }
    update_actions();
    emit run_finished(id, result);
}

void MainWindow::report_error(const QString& title, const QString& message) {
    emit error_reported(title, message);
    if (quiet_errors_)
        return;
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::set_busy(const QString& what, std::shared_ptr<JobProgress> progress) {
    ++busy_jobs_;
    job_progress_ = std::move(progress);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setFormat(what + QStringLiteral(" %p%"));
    progress_->setToolTip(what);
    progress_->show();
    status_label_->setText(what + QStringLiteral("…"));
    progress_timer_->start();
}

void MainWindow::show_progress() {
    // The worker writes a number; this thread shows it (no cross-thread calls).
    if (job_progress_)
        progress_->setValue(
            std::clamp(job_progress_->permille.load(std::memory_order_relaxed), 0, 1000));
}

void MainWindow::clear_busy() {
    if (--busy_jobs_ <= 0) {
        busy_jobs_ = 0;
        progress_->hide();
        progress_timer_->stop();
        job_progress_.reset();
    }
}

void MainWindow::export_dialog() {
    QSettings s;
    const QString dir = s.value(QStringLiteral("exportDir")).toString();
    QString filter;
    const QString base =
        current_example_id().isEmpty() ? QStringLiteral("trace") : current_example_id();
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export"), QDir(dir).filePath(base + QStringLiteral(".pollscope.json")),
        tr("Chrome trace JSON (*.json);;CSV (*.csv);;PNG image of the timeline (*.png);;SVG "
           "image of the timeline (*.svg)"),
        &filter);
    if (path.isEmpty())
        return;
    s.setValue(QStringLiteral("exportDir"), QFileInfo(path).absolutePath());
    std::optional<ExportFormat> fmt;
    if (filter.contains(QLatin1String("*.csv")))
        fmt = ExportFormat::Csv;
    else if (filter.contains(QLatin1String("*.png")))
        fmt = ExportFormat::Png;
    else if (filter.contains(QLatin1String("*.svg")))
        fmt = ExportFormat::Svg;
    else if (filter.contains(QLatin1String("*.json")))
        fmt = ExportFormat::ChromeJson;
    // The suffix the person typed wins over the filter.
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("csv") || suffix == QLatin1String("png") ||
        suffix == QLatin1String("svg") || suffix == QLatin1String("json"))
        fmt.reset();
    export_to(path, fmt);
}

void MainWindow::export_to(const QString& path, std::optional<ExportFormat> format) {
    if (!format) {
        const QString suffix = QFileInfo(path).suffix().toLower();
        format = suffix == QLatin1String("csv")   ? ExportFormat::Csv
                 : suffix == QLatin1String("png") ? ExportFormat::Png
                 : suffix == QLatin1String("svg") ? ExportFormat::Svg
                                                  : ExportFormat::ChromeJson;
    }
    auto progress = std::make_shared<JobProgress>();
    BackgroundJob<QString>::Work job;
    if (*format == ExportFormat::Png || *format == ExportFormat::Svg) {
        // The timeline as shown, recorded here as paint commands (one
        // frame's work), replayed into the image and encoded on a worker.
        QPicture picture;
        {
            QPainter p(&picture);
            ui_->timeline->render_to(p);
        }
        const QSize size = ui_->timeline->size();
        const bool png = *format == ExportFormat::Png;
        const QString title = tr("Pollscope timeline");
        job = [path, picture, size, png, title, progress](std::stop_token) {
            bool ok = false;
            if (png) {
                QImage image(size, QImage::Format_RGB32);
                image.fill(Qt::white);
                {
                    QPainter p(&image);
                    p.drawPicture(0, 0, picture);
                }
                progress->permille = 500;
                ok = image.save(path, "PNG");
            } else {
                QSvgGenerator gen;
                gen.setFileName(path);
                gen.setSize(size);
                gen.setViewBox(QRect(QPoint(0, 0), size));
                gen.setTitle(title);
                QPainter p;
                ok = p.begin(&gen);
                if (ok) {
                    p.drawPicture(0, 0, picture);
                    ok = p.end();
                }
            }
            progress->permille = 1000;
            return ok ? QString() : QObject::tr("Could not write the image %1").arg(path);
        };
    } else {
        // Trace formats: a snapshot of the trace as it is now (this thread
        // reads the store under GuiReadLock: one copy of 24-byte events,
        // ~30 ms for 10M), which the worker owns and writes: nothing to wait
        // for when the store changes or the window closes meanwhile.
        const auto ff =
            *format == ExportFormat::Csv ? trace::FileFormat::Csv : trace::FileFormat::ChromeJson;
        auto snapshot = std::make_shared<const trace::Trace>(store_->trace());
        job = [path, snapshot, ff, progress](std::stop_token) {
            return write_trace(path, *snapshot, ff, [&progress](double f) {
                progress->permille.store(int(f * 1000), std::memory_order_relaxed);
            });
        };
    }
    set_busy(tr("Exporting %1").arg(QFileInfo(path).fileName()), progress);
    // On a thread of its own; the result comes back on this thread (see
    // BackgroundJob), unless the window is gone by then.
    export_jobs_->start(this, std::move(job), [this, p = path](const QString& error) {
        clear_busy();
        if (!error.isEmpty()) {
            report_error(tr("Export failed"), error);
        } else {
            status_label_->setText(tr("Exported %1").arg(p));
            if (p.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
                recent_->add(p);
        }
        emit export_finished(p, error.isEmpty(), error);
    });
}

void MainWindow::open_dialog() {
    QSettings s;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open trace"), s.value(QStringLiteral("exportDir")).toString(),
        tr("Pollscope Chrome trace (*.json);;All files (*)"));
    if (!path.isEmpty())
        open_trace(path);
}

void MainWindow::open_trace(const QString& path) {
    auto progress = std::make_shared<JobProgress>();
    set_busy(tr("Opening %1").arg(QFileInfo(path).fileName()), progress);
    // Read and index on a thread of their own; the window shows the timeline
    // as soon as that is done, and the statistics follow (summarise_store).
    auto work = [path, progress](std::stop_token) {
        Loaded out;
        QString error;
        auto t = trace::load_trace(path, &error, [&progress](double f) {
            progress->permille.store(int(f * 800), std::memory_order_relaxed);
        });
        if (!t) {
            out.error = error.isEmpty() ? QObject::tr("Could not read %1").arg(path) : error;
            return out;
        }
        progress->permille = 800;
        out.store = std::make_shared<TraceStore>();
        out.store->load(std::move(*t));
        progress->permille = 1000;
        return out;
    };
    open_jobs_->start(this, std::move(work), [this, p = path](Loaded loaded) {
        clear_busy();
        if (!loaded.error.isEmpty()) {
            // Nothing else changes: the current trace and run stay as they were.
            report_error(tr("Cannot open trace"), loaded.error);
            status_label_->setText(tr("Could not open %1").arg(QFileInfo(p).fileName()));
            return;
        }
        run_->replace_store(std::move(*loaded.store));
        selection_->clear();
        viewing_file_ = true;
        file_stats_.reset();
        show_example_of_trace();
        on_store_replaced();
        show_rows({}); // the last run's or file's rows go; this file's follow
        if (!store_->task_lanes().empty())
            selection_->auto_select(store_->task_lanes().front().key);
        setWindowTitle(tr("Pollscope — %1").arg(QFileInfo(p).fileName()));
        status_label_->setText(tr("Viewing %1: %2 events, %3 tasks (statistics…)")
                                   .arg(QFileInfo(p).fileName())
                                   .arg(store_->trace().events.size())
                                   .arg(store_->task_lanes().size()));
        opened_name_ = QFileInfo(p).fileName();
        recent_->add(p);
        update_actions();
        run_->summarise_store();
        emit trace_opened(p);
    });
}

void MainWindow::show_summary(std::shared_ptr<const trace::TraceStats> stats,
                              std::shared_ptr<TaskTableModel::Rows> rows,
                              std::shared_ptr<const trace::StateAtStep> rewind) {
    file_stats_ = std::move(stats);
    rewind_ = std::move(rewind); // of this very store (any change stops the job)
    rewind_of_ = store_identity();
    show_rows(std::move(*rows));
    update_log_task_filter();
    status_label_->setText(tr("Viewing %1: %2 events, %3 tasks")
                               .arg(opened_name_)
                               .arg(store_->trace().events.size())
                               .arg(store_->task_lanes().size()));
}

void MainWindow::attach_dialog() {
    QSettings s;
    bool ok = false;
    const QString path = QInputDialog::getText(
        this, tr("Attach to program"),
        tr("The socket a running program serves its events on\n(it records with "
           "POLLSCOPE_SERVE=SOCKET, or RecordingOptions::serve):"),
        QLineEdit::Normal,
        s.value(QStringLiteral("attach/path"), QStringLiteral("/tmp/pollscope.sock")).toString(),
        &ok);
    if (ok && !path.trimmed().isEmpty())
        attach(path.trimmed());
}

bool MainWindow::attach(const QString& path) {
    QString error;
    if (!run_->attach(path, &error)) {
        // Nothing else changes: the current trace or run stays.
        report_error(tr("Cannot attach"), error);
        status_label_->setText(tr("Could not attach to %1").arg(path));
        return false;
    }
    QSettings().setValue(QStringLiteral("attach/path"), path);
    // The window shows the program now, not an example.
    save_knobs();
    {
        QSignalBlocker block(ui_->exampleList);
        ui_->exampleList->clearSelection();
        ui_->exampleList->setCurrentRow(-1);
    }
    ui_->examplePanel->set_example(nullptr);
    viewing_file_ = false;
    file_stats_.reset();
    set_time_axis(false); // a program's real time, not an example's steps
    ui_->timeline->set_follow_live(true);
    // Space and S go to Pause and Step, not to the examples list (where
    // Space would choose an example, leaving the program).
    ui_->timeline->setFocus();
    const auto& hello = run_->stream()->hello();
    const QString program = QString::fromStdString(hello.program);
    ui_->examplePanel->show_description(
        tr("# %1\n\nA program of yours, attached live: process %2, serving on `%3`.\n\n"
           "Its tasks appear as it spawns them; the timeline follows its clock. When it ends "
           "its recording (or exits, or is killed) everything received stays here to study "
           "and export.%4%5")
            .arg(program)
            .arg(hello.pid)
            .arg(path)
            .arg(hello.can_shutdown ? tr("\n\n**Shutdown** asks the program to stop (its own "
                                         "handler decides how).")
                                    : QString())
            .arg(hello.can_step ? tr("\n\n**Pause** (Space) holds its polls at their start; "
                                     "**Step** (S) lets one more start, **Run** lets them go. "
                                     "When you detach, it runs freely again.")
                                : QString()));
    show_stream_state();
    status_label_->setText(
        tr("Attached to %1 (pid %2) on %3: live").arg(program).arg(hello.pid).arg(path));
    update_actions();
    return true;
}

void MainWindow::show_example_of_trace() {
    // The list and the panel show the example the trace came from (its code
    // then highlights the trace's await sites), or nothing when unknown, so
    // they never describe another example than the one on the timeline.
    save_knobs();
    const ExampleInfo* e = example_of_trace(store_->trace());
    QSignalBlocker block(ui_->exampleList);
    int row = -1;
    for (int i = 0; e && i < ui_->exampleList->count(); ++i)
        if (ui_->exampleList->item(i)->data(Qt::UserRole).toString() == e->id)
            row = i;
    ui_->exampleList->setCurrentRow(row);
    if (row < 0)
        ui_->exampleList->clearSelection();
    ui_->examplePanel->set_example(e);
    if (e)
        load_knobs(*e);
}

void MainWindow::on_store_replaced() {
    log_model_->refresh();
    ui_->timeline->set_waiting_task(0);
    attach_timeline();
    ui_->timeline->fit();
    ui_->examplePanel->highlight_site({}, 0);
}

void MainWindow::load_knobs(const ExampleInfo& e) {
    QSettings s;
    KnobValues v;
    s.beginGroup(QStringLiteral("knobs/") + e.id);
    for (const auto& k : s.childKeys())
        v[k] = s.value(k).toInt();
    s.endGroup();
    ui_->examplePanel->set_knob_values(v);
}

void MainWindow::save_knobs() {
    const auto* e = ui_->examplePanel->example();
    if (!e)
        return;
    QSettings s;
    s.beginGroup(QStringLiteral("knobs/") + e->id);
    for (const auto& [k, v] : ui_->examplePanel->knob_values())
        s.setValue(k, v);
    s.endGroup();
}

void MainWindow::load_settings() {
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    default_split_ = !ui_->mainSplitter->restoreState(
        s.value(QStringLiteral("window/mainSplitter")).toByteArray());
    ui_->centreSplitter->restoreState(
        s.value(QStringLiteral("window/centreSplitter")).toByteArray());
    ui_->laneMode->setCurrentIndex(s.value(QStringLiteral("laneMode"), 0).toInt());
    task_tree_->setChecked(s.value(QStringLiteral("taskTree"), false).toBool());
    group_lanes_->setChecked(s.value(QStringLiteral("groupLanesByParent"), false).toBool());
    const QString last = s.value(QStringLiteral("lastExample")).toString();
    if (last.isEmpty() || !select_example(last))
        ui_->exampleList->setCurrentRow(0);
}

void MainWindow::save_settings() {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/mainSplitter"), ui_->mainSplitter->saveState());
    s.setValue(QStringLiteral("window/centreSplitter"), ui_->centreSplitter->saveState());
    s.setValue(QStringLiteral("laneMode"), ui_->laneMode->currentIndex());
    s.setValue(QStringLiteral("taskTree"), task_tree_->isChecked());
    s.setValue(QStringLiteral("groupLanesByParent"), group_lanes_->isChecked());
    s.setValue(QStringLiteral("lastExample"), current_example_id());
    save_knobs();
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (!default_split_)
        return;
    // First start: the list as wide as its titles, the example panel about a
    // third of the window (at most 500 px), the timeline the rest.
    default_split_ = false;
    const int w = ui_->mainSplitter->width();
    const int right = std::clamp(w * 3 / 10, 300, 500);
    ui_->mainSplitter->setSizes({list_width_, std::max(200, w - list_width_ - right), right});
}

void MainWindow::closeEvent(QCloseEvent* event) {
    save_settings();
    run_->stop();
    QMainWindow::closeEvent(event);
}

} // namespace pollscope::app
