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
}

bool TaskSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    return tasks_->less(TaskTableModel::stats_row(left), TaskTableModel::stats_row(right),
                        left.column());
}

} // namespace pollscope::app
