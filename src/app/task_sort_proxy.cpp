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
}

bool TaskSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    return tasks_->less(left.row(), right.row(), left.column());
}

} // namespace pollscope::app
