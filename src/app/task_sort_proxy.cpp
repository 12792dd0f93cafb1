#include "task_sort_proxy.h"

#include "task_table_model.h"

namespace pollscope::app {

TaskSortProxy::TaskSortProxy(TaskTableModel* source, QObject* parent)
    : QSortFilterProxyModel(parent)
    , tasks_(source) {
    setSourceModel(source);
    setSortRole(TaskTableModel::SortRole);
    setFilterKeyColumn(TaskTableModel::Name);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    // In the tree, a parent stays while one of its children matches.
    setRecursiveFilteringEnabled(true);
    // A rewind cursor hides the tasks not spawned by then.
    connect(source, &TaskTableModel::cursor_rows_changed, this, [this] { invalidateFilter(); });
}

bool TaskSortProxy::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
    const QModelIndex i = tasks_->index(source_row, 0, source_parent);
    if (i.isValid() && !tasks_->shown_at_cursor(TaskTableModel::stats_row(i)))
        return false;
    return QSortFilterProxyModel::filterAcceptsRow(source_row, source_parent);
}

bool TaskSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    return tasks_->less(TaskTableModel::stats_row(left), TaskTableModel::stats_row(right),
                        left.column());
}

} // namespace pollscope::app
