// MainWindow's rewind: in a finished run or an opened file, a cursor steps
// back and forward one transition at a time (',' and '.'), or jumps where
// the ruler is clicked or the cursor line dragged; Esc takes it away. The
// task table shows each task as it was at the cursor (trace::StateAtStep:
// a move changes only the rows of the tasks it crosses), the timeline draws
// the cursor, the status bar says which step it is.
#include "main_window.h"

#include "event_log_model.h"
#include "narration.h"
#include "steps_builder.h"
#include "task_table_model.h"
#include "timeline_view.h"
#include "trace_store.h"
#include "ui_main_window.h"

#include <QAction>
#include <QIcon>
#include <QLabel>
#include <QMenu>
#include <QToolBar>

#include <algorithm>

namespace pollscope::app {

void MainWindow::setup_rewind() {
    step_back_ = new QAction(tr("Step back"), this);
    step_back_->setObjectName(QStringLiteral("actionStepBack"));
    step_back_->setShortcut(QKeySequence(Qt::Key_Comma));
    step_back_->setToolTip(tr("Rewind a finished run or an opened trace one transition: the task "
                              "table shows each task as it was then (,)"));
    step_back_->setIcon(QIcon::fromTheme(QStringLiteral("media-seek-backward"),
                                         style()->standardIcon(QStyle::SP_MediaSeekBackward)));
    step_forward_ = new QAction(tr("Step forward"), this);
    step_forward_->setObjectName(QStringLiteral("actionStepForward"));
    step_forward_->setShortcut(QKeySequence(Qt::Key_Period));
    step_forward_->setToolTip(tr("Move the rewind cursor one transition forward (.)"));
    step_forward_->setIcon(QIcon::fromTheme(QStringLiteral("media-seek-forward"),
                                            style()->standardIcon(QStyle::SP_ArrowForward)));
    rewind_off_ = new QAction(tr("Back to the end"), this);
    rewind_off_->setObjectName(QStringLiteral("actionRewindOff"));
    rewind_off_->setShortcut(QKeySequence(Qt::Key_Escape));
    rewind_off_->setToolTip(tr("Remove the rewind cursor: the task table shows the end (Esc)"));
    connect(step_back_, &QAction::triggered, this, &MainWindow::step_back);
    connect(step_forward_, &QAction::triggered, this, &MainWindow::step_forward);
    connect(rewind_off_, &QAction::triggered, this, &MainWindow::rewind_off);
    ui_->menuRun->addSeparator();
    ui_->menuRun->addAction(step_back_);
    ui_->menuRun->addAction(step_forward_);
    ui_->menuRun->addAction(rewind_off_);
    ui_->toolBar->insertAction(ui_->actionStep, step_back_);
    ui_->toolBar->insertAction(ui_->actionStep, step_forward_);
    // Dragging the cursor (or pressing the ruler) scrubs: the step at that time.
    connect(ui_->timeline, &TimelineView::scrubbed, this, [this](qint64 ts) {
        if (!can_rewind())
            return;
        const auto& idx = rewind_index();
        const auto* s = steps_build_->current();
        const bool steps = ui_->timeline->steps_mode() && s &&
                           s->store.trace().events.size() == store_->trace().events.size();
        set_rewind_cursor(idx.cursor_at_time(steps ? s->store.trace() : store_->trace(), ts));
    });
    update_rewind();
}

bool MainWindow::can_rewind() const {
    // A live run (or one paused at the step gate) is stepped with S instead.
    return !store_->empty() && !run_->running() && !run_->attached_live();
}

MainWindow::StoreIdentity MainWindow::store_identity() const {
    return {store_->generation(), store_->trace().events.size(), store_->end_ts()};
}

void MainWindow::update_rewind() {
    if (!step_back_)
        return;
    const bool can = can_rewind();
    // No run to rewind any more, or another trace (an opened file replaced it).
    if (cursor_ >= 0 && (!can || cursor_of_ != store_identity()))
        rewind_off();
    step_back_->setEnabled(can && cursor_ != 0);
    step_forward_->setEnabled(can && cursor_ >= 0 &&
                              cursor_ < std::int64_t(store_->trace().events.size()));
    rewind_off_->setEnabled(cursor_ >= 0);
    ui_->timeline->set_scrub_enabled(can);
}

const trace::StateAtStep& MainWindow::rewind_index() {
    if (!rewind_ || rewind_of_ != store_identity()) {
        rewind_ = std::make_shared<const trace::StateAtStep>(*store_);
        rewind_of_ = store_identity();
    }
    return *rewind_;
}

void MainWindow::step_back() {
    if (!can_rewind())
        return;
    const auto& idx = rewind_index();
    set_rewind_cursor(idx.previous(cursor_ < 0 ? idx.events() : std::size_t(cursor_)));
}

void MainWindow::step_forward() {
    if (!can_rewind() || cursor_ < 0)
        return;
    set_rewind_cursor(rewind_index().next(std::size_t(cursor_)));
}

void MainWindow::set_rewind_cursor(std::size_t c) {
    if (!can_rewind())
        return;
    const auto& idx = rewind_index();
    c = idx.snap(std::min(c, idx.events()));
    const std::int64_t from = cursor_of_ == store_identity() ? cursor_ : -1;
    cursor_ = std::int64_t(c);
    cursor_of_ = store_identity();
    show_cursor_rows(from);
    ui_->timeline->set_rewind_cursor(cursor_);
    // Keep the cursor in view.
    const std::int64_t t = ui_->timeline->cursor_time();
    const TimeMapping& m = ui_->timeline->mapping();
    if (t >= 0 && (t < m.start || t > m.end)) {
        const std::int64_t half = (m.end - m.start) / 2;
        ui_->timeline->set_mapping_range(t - half, t + half);
    }
    // The step's line: the transition just before the cursor, as the article tells it.
    const QString told = c == 0 ? tr("nothing has happened yet")
                                : QString::fromStdString(trace::narrate(*store_, c - 1));
    status_label_->setText(tr("Step %1 of %2: %3 — , back · . forward · Esc the end")
                               .arg(idx.step_of(c))
                               .arg(idx.steps())
                               .arg(told));
    // The event log shows that transition (when it lists every event).
    if (c > 0 && log_model_->kind_filter() < 0 && log_model_->task_filter() == 0 &&
        int(c - 1) < log_model_->rowCount()) {
        const QModelIndex row = log_model_->index(int(c - 1), EventLogModel::Time);
        ui_->eventLog->setCurrentIndex(row);
        ui_->eventLog->scrollTo(row);
    }
    update_rewind();
    refresh_queues();
}

void MainWindow::rewind_off() {
    if (cursor_ < 0)
        return;
    cursor_ = -1;
    task_model_->set_cursor_rows({});
    ui_->timeline->set_rewind_cursor(-1);
    status_label_->setText(tr("The end of the trace"));
    update_rewind();
    refresh_queues();
}

void MainWindow::show_cursor_rows(std::int64_t from) {
    if (cursor_ < 0)
        return;
    if (cursor_of_ != store_identity()) {
        rewind_off(); // the trace changed under the cursor
        return;
    }
    const auto& idx = rewind_index();
    const auto c = std::size_t(cursor_);
    const auto at = [&](std::uint32_t task) {
        const trace::TaskAtStep a = idx.task_at(task, c);
        TaskTableModel::AtCursor r;
        r.seen = a.seen;
        r.state = a.state;
        r.polls = a.polls;
        r.wakes = a.wakes;
        r.self_wakes = a.self_wakes;
        if (a.waiting_poll != trace::kNoIndex)
            r.waiting = QString::fromStdString(store_->waits_on_text(a.waiting_poll));
        return r;
    };
    const auto& tasks = task_model_->stats().tasks;
    // What a task waits on then may be wider than anything at the end.
    const auto fit_small = [&] {
        if (tasks.size() < 300)
            resize_task_columns();
    };
    // A step crosses an event or two: only their tasks' rows change.
    constexpr std::size_t kFewTasks = 64;
    if (from >= 0 && task_model_->at_cursor()) {
        const auto changed = idx.tasks_between(std::size_t(from), c);
        if (changed.size() <= kFewTasks) {
            for (const auto task : changed)
                if (const int row = task_model_->row_of(task); row >= 0)
                    task_model_->set_cursor_row(row, at(task));
            fit_small();
            return;
        }
    }
    std::vector<TaskTableModel::AtCursor> rows;
    rows.reserve(tasks.size());
    for (const auto& t : tasks)
        rows.push_back(at(t.id));
    task_model_->set_cursor_rows(std::move(rows));
    fit_small();
}

} // namespace pollscope::app
