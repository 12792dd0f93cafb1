// TaskTableModel at a rewind cursor: the values StateAtStep gives for each
// row replace the end state's in the columns that mean state; the columns
// summed over the whole run are blank (they would tell the end, not then).
#include "task_table_model.h"

namespace pollscope::app {

void TaskTableModel::set_cursor_rows(std::vector<AtCursor> rows) {
    const bool was = !cursor_.empty();
    cursor_ = std::move(rows);
    if (!was && cursor_.empty())
        return;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    emit cursor_rows_changed();
}

void TaskTableModel::set_cursor_row(int row, AtCursor at) {
    if (row < 0 || std::size_t(row) >= cursor_.size() || cursor_[std::size_t(row)] == at)
        return;
    const bool shown = cursor_[std::size_t(row)].seen != at.seen;
    cursor_[std::size_t(row)] = std::move(at);
    const QModelIndex first = index_of(stats_.tasks[std::size_t(row)].id, 0);
    if (first.isValid())
        emit dataChanged(first, first.siblingAtColumn(ColumnCount - 1));
    if (shown)
        emit cursor_rows_changed();
}

bool TaskTableModel::shown_at_cursor(int row) const {
    return cursor_.empty() || row < 0 || std::size_t(row) >= cursor_.size() ||
           cursor_[std::size_t(row)].seen;
}

std::optional<QVariant> TaskTableModel::cursor_data(std::size_t row, int column, int role) const {
    if (row >= cursor_.size())
        return std::nullopt;
    const AtCursor& c = cursor_[row];
    const bool sort = role == SortRole;
    if (role == Qt::ForegroundRole || role == Qt::ToolTipRole)
        return column == Warnings ? std::optional<QVariant>(QVariant()) : std::nullopt;
    if (role != Qt::DisplayRole && !sort)
        return std::nullopt;
    switch (column) {
    case State: {
        const auto s = trace::task_state_name(c.state);
        return QVariant(QString::fromUtf8(s.data(), qsizetype(s.size())));
    }
    case WaitingOn:
        return QVariant(c.waiting);
    case Polls:
        return QVariant(quint64(c.polls));
    case Wakes:
        return QVariant(quint64(c.wakes));
    case SelfWakes:
        return QVariant(quint64(c.self_wakes));
    case Worker:
    case Busy:
    case Idle:
    case Scheduled:
    case Warnings:
        return sort ? QVariant(0) : QVariant(QString());
    default:
        return std::nullopt;
    }
}

std::optional<bool> TaskTableModel::cursor_less(std::size_t a, std::size_t b, int column) const {
    if (a >= cursor_.size() || b >= cursor_.size())
        return std::nullopt;
    const AtCursor& x = cursor_[a];
    const AtCursor& y = cursor_[b];
    switch (column) {
    case State:
        return trace::task_state_name(x.state) < trace::task_state_name(y.state);
    case WaitingOn:
        return x.waiting < y.waiting;
    case Polls:
        return x.polls < y.polls;
    case Wakes:
        return x.wakes < y.wakes;
    case SelfWakes:
        return x.self_wakes < y.self_wakes;
    case Worker:
    case Busy:
    case Idle:
    case Scheduled:
    case Warnings:
        return false; // blank at the cursor
    default:
        return std::nullopt;
    }
}

} // namespace pollscope::app
