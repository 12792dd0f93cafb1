// MainWindow's task details window and Resources tab: a double-click (or
// Enter) on a task table row opens the task's details; the tab beside the
// task table lists the run's resources. Both are recomputed from the store
// and the task table's statistics while they are shown.
#include "main_window.h"

#include "resource_table_model.h"
#include "run_controller.h"
#include "task_details_panel.h"
#include "task_table_model.h"
#include "trace_store.h"
#include "ui_main_window.h"

#include <QHeaderView>
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
    // Only what changed: the store, or a live run's present (a live refresh
    // leaves the generation unknown, so the one after the run's end counts).
    if (store_->generation() == resources_generation_)
        return;
    resources_generation_ = run_->live() ? ~std::uint64_t(0) : store_->generation();
    resource_model_->refresh(*store_, observation_end());
    if (resource_model_->rowCount() < 300)
        resource_table_->resizeColumnsToContents();
}

} // namespace pollscope::app
