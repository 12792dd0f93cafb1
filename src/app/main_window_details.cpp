// MainWindow's task details window and Resources tab: a double-click (or
// Enter) on a task table row opens the task's details; the tab beside the
// task table lists the run's resources. Both are recomputed from the store
// and the task table's statistics while they are shown.
#include "main_window.h"

#include "resource_table_model.h"
#include "resource_timeline.h"
#include "run_controller.h"
#include "task_details_panel.h"
#include "task_table_model.h"
#include "timeline_view.h"
#include "trace_store.h"
#include "ui_main_window.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace pollscope::app {

void MainWindow::setup_details() {
    details_ = new TaskDetailsPanel(
        *store_, [this]() -> const trace::TraceStats& { return task_model_->stats(); }, this);
    // A row's activation: a double-click, or Enter on the current row.
    connect(ui_->taskTable, &QAbstractItemView::activated, this, [this](const QModelIndex& i) {
        if (const auto task = i.data(TaskTableModel::TaskIdRole).toUInt(); task != 0)
            open_task_details(task);
    });

    resources_tab_ = new QWidget(this);
    resources_tab_->setObjectName(QStringLiteral("resourcesTab"));
    auto* layout = new QVBoxLayout(resources_tab_);
    layout->setContentsMargins(2, 2, 2, 2);
    resource_model_ = new ResourceTableModel(this);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(resource_model_);
    proxy->setSortRole(ResourceTableModel::SortRole);
    resource_table_ = new QTableView(resources_tab_);
    resource_table_->setObjectName(QStringLiteral("resourceTable"));
    resource_table_->setModel(proxy);
    resource_table_->setSortingEnabled(true);
    resource_table_->sortByColumn(ResourceTableModel::WaitTime, Qt::DescendingOrder);
    resource_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    resource_table_->setAlternatingRowColors(true);
    resource_table_->verticalHeader()->hide();
    resource_table_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    resource_table_->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(resource_table_);
    ui_->bottomTabs->insertTab(ui_->bottomTabs->indexOf(ui_->tasksTab) + 1, resources_tab_,
                               tr("Resources"));
    connect(ui_->bottomTabs, &QTabWidget::currentChanged, this, [this] { refresh_details(); });
    // The rows' job reads the store: stopped before it changes.
    connect(run_.get(), &RunController::store_changing, resource_model_, &ResourceTableModel::stop);
    connect(resource_model_, &ResourceTableModel::rows_arrived, this, [this] {
        if (resource_model_->rowCount() < 300)
            resource_table_->resizeColumnsToContents();
        refresh_details(); // the store may have grown (or the run ended) meanwhile
    });
    // A resource chosen in the tab or on its timeline lane is chosen in both:
    // the timeline highlights the tasks that waited on it or used it.
    connect(resource_table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this, proxy](const QModelIndex& current) {
                if (!current.isValid())
                    return;
                const auto row = std::size_t(proxy->mapToSource(current).row());
                if (row < resource_model_->rows().size())
                    ui_->timeline->select_resource(
                        trace::resource_key(*store_, resource_model_->rows()[row]));
                say_selected_resource();
            });
    connect(ui_->timeline, &TimelineView::resource_clicked, this, [this, proxy](int index) {
        say_selected_resource();
        const QSignalBlocker block(resource_table_->selectionModel());
        if (index < 0) {
            resource_table_->clearSelection();
            resource_table_->selectionModel()->clearCurrentIndex();
            return;
        }
        // The lane may be of the steps axis' model: the same resource, by its key.
        const trace::ResourceKey picked = ui_->timeline->resource_key(index);
        const auto& rows = resource_model_->rows();
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (trace::resource_key(*store_, rows[i]) == picked) {
                const QModelIndex at = proxy->mapFromSource(resource_model_->index(int(i), 0));
                resource_table_->selectionModel()->setCurrentIndex(
                    at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
                resource_table_->scrollTo(at);
                return;
            }
        }
    });
}

void MainWindow::say_selected_resource() {
    const int index = ui_->timeline->selected_resource();
    if (index < 0) {
        status_label_->setText(tr("No resource selected"));
        return;
    }
    const auto& r = ui_->timeline->resource_timelines()[std::size_t(index)];
    status_label_->setText(
        tr("%1: %2 tasks waited on it or used it (highlighted), %3 waits in all; click its lane "
           "again to clear")
            .arg(QString::fromStdString(r.row.name))
            .arg(r.row.tasks.size())
            .arg(r.row.waits));
}

std::int64_t MainWindow::observation_end() const {
    return run_->live() ? std::max(run_->now(), store_->end_ts()) : -1;
}

void MainWindow::open_task_details(std::uint32_t task) {
    details_->show_task(task);
}

void MainWindow::show_resources_tab() {
    ui_->bottomTabs->setCurrentWidget(resources_tab_);
}

void MainWindow::refresh_details() {
    if (!details_)
        return;
    if (details_->isVisible())
        details_->refresh();
    if (ui_->bottomTabs->currentWidget() != resources_tab_)
        return;
    // Only what changed (the model knows which state its rows are of); a big
    // store's rows come from a job and bring this back (rows_arrived).
    const auto shown = resource_model_->rows().size();
    resource_model_->refresh(*store_, observation_end());
    if (resource_model_->rows().size() != shown && resource_model_->rowCount() < 300)
        resource_table_->resizeColumnsToContents();
}

} // namespace pollscope::app
