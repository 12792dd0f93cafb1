#include "task_table_model.h"

#include "duration_text.h"

#include "trace_store.h"

#include <QBrush>
#include <QColor>
#include <QStringList>

namespace pollscope::app {

TaskTableModel::TaskTableModel(QObject* parent)
    : QAbstractTableModel(parent) {}

QString TaskTableModel::format_ns(std::int64_t ns) {
    return QString::fromStdString(trace::duration_text(ns));
}

void TaskTableModel::clear() {
    beginResetModel();
    stats_ = {};
    names_.clear();
    workers_.clear();
    locations_.clear();
    waiting_.clear();
    endResetModel();
}

void TaskTableModel::set_stats(trace::TraceStats stats, const TraceStore* store) {
    // Drop the "no task" row (id 0) if the statistics carry one.
    std::erase_if(stats.tasks, [](const trace::TaskStats& t) { return t.id == 0; });
    std::vector<QString> names, workers, locations, waiting;
    for (const auto& t : stats.tasks) {
        QString waits;
        if (store && t.state == trace::TaskState::Idle) {
            // An idle task waits on what its last (Pending) poll named.
            const int li = store->task_lane(t.id);
            if (li >= 0 && !store->task_lanes()[std::size_t(li)].polls.empty())
                waits = QString::fromStdString(
                    store->waits_on_text(store->task_lanes()[std::size_t(li)].polls.back()));
        }
        waiting.push_back(waits);
        names.push_back(store ? store->task_label(t.id) : QString::number(t.id));
        QStringList ws;
        for (auto th : t.threads) {
            QString label = store ? store->thread_label(th) : QString::number(th);
            const int paren = label.indexOf(QStringLiteral(" ("));
            ws << (paren > 0 ? label.left(paren) : label);
        }
        workers.push_back(ws.join(QStringLiteral(", ")));
        locations.push_back(
            store ? QString::fromStdString(store->trace().short_location_text(t.spawn_location))
                  : QString());
    }
    const int old_rows = int(stats_.tasks.size());
    const int new_rows = int(stats.tasks.size());
    // Tasks only ever get added (ids ascending): same prefix, more rows.
    bool prefix = new_rows >= old_rows;
    for (int i = 0; prefix && i < old_rows; ++i)
        prefix = stats_.tasks[std::size_t(i)].id == stats.tasks[std::size_t(i)].id;
    if (!prefix) {
        beginResetModel();
        stats_ = std::move(stats);
        names_ = std::move(names);
        workers_ = std::move(workers);
        locations_ = std::move(locations);
        waiting_ = std::move(waiting);
        endResetModel();
        return;
    }
    if (new_rows > old_rows)
        beginInsertRows({}, old_rows, new_rows - 1);
    stats_ = std::move(stats);
    names_ = std::move(names);
    workers_ = std::move(workers);
    locations_ = std::move(locations);
    waiting_ = std::move(waiting);
    if (new_rows > old_rows)
        endInsertRows();
    if (old_rows > 0)
        emit dataChanged(index(0, 0), index(old_rows - 1, ColumnCount - 1));
}

int TaskTableModel::row_of(std::uint32_t task) const {
    for (std::size_t i = 0; i < stats_.tasks.size(); ++i)
        if (stats_.tasks[i].id == task)
            return int(i);
    return -1;
}

int TaskTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(stats_.tasks.size());
}

int TaskTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TaskTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto row = std::size_t(index.row());
    const auto& t = stats_.tasks[row];
    if (role == TaskIdRole)
        return quint64(t.id);
    if (role == Qt::TextAlignmentRole) {
        switch (index.column()) {
        case Name:
        case State:
        case WaitingOn:
        case Worker:
        case Location:
        case Warnings:
            return int(Qt::AlignLeft | Qt::AlignVCenter);
        default:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Warnings && t.warnings)
        return QBrush(QColor(0xb0, 0x40, 0x00));
    if (role == Qt::ToolTipRole && index.column() == Warnings && t.warnings) {
        QStringList msgs;
        for (const auto& w : stats_.warnings)
            if (w.task == t.id)
                msgs << QString::fromStdString(w.message);
        return msgs.join(QLatin1Char('\n'));
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    switch (index.column()) {
    case Id:
        return quint64(t.id);
    case Name:
        return names_[row];
    case State: {
        const auto s = trace::task_state_name(t.state);
        return QString::fromUtf8(s.data(), qsizetype(s.size()));
    }
    case WaitingOn:
        return waiting_[row];
    case Worker:
        return workers_[row];
    case Polls:
        return quint64(t.polls);
    case Wakes:
        return quint64(t.wakes);
    case SelfWakes:
        return quint64(t.self_wakes);
    case Busy:
        return sort ? QVariant(qint64(t.busy_ns)) : QVariant(format_ns(t.busy_ns));
    case Idle:
        return sort ? QVariant(qint64(t.idle_ns)) : QVariant(format_ns(t.idle_ns));
    case Scheduled:
        return sort ? QVariant(qint64(t.scheduled_ns)) : QVariant(format_ns(t.scheduled_ns));
    case Location:
        return locations_[row];
    case Warnings: {
        QStringList ws;
        for (int k = 0; k < trace::kWarningKindCount; ++k)
            if (t.warnings & (1u << k)) {
                const auto n = trace::warning_name(trace::WarningKind(k));
                ws << QString::fromUtf8(n.data(), qsizetype(n.size()));
            }
        return sort ? QVariant(int(t.warnings)) : QVariant(ws.join(QStringLiteral(", ")));
    }
    default:
        return {};
    }
}

bool TaskTableModel::less(int a, int b, int column) const {
    const auto& x = stats_.tasks[std::size_t(a)];
    const auto& y = stats_.tasks[std::size_t(b)];
    const auto ra = std::size_t(a), rb = std::size_t(b);
    switch (column) {
    case Id:
        return x.id < y.id;
    case Name:
        return names_[ra] < names_[rb];
    case State:
        return trace::task_state_name(x.state) < trace::task_state_name(y.state);
    case WaitingOn:
        return waiting_[ra] < waiting_[rb];
    case Worker:
        return workers_[ra] < workers_[rb];
    case Polls:
        return x.polls < y.polls;
    case Wakes:
        return x.wakes < y.wakes;
    case SelfWakes:
        return x.self_wakes < y.self_wakes;
    case Busy:
        return x.busy_ns < y.busy_ns;
    case Idle:
        return x.idle_ns < y.idle_ns;
    case Scheduled:
        return x.scheduled_ns < y.scheduled_ns;
    case Location:
        return locations_[ra] < locations_[rb];
    case Warnings:
        return x.warnings < y.warnings;
    default:
        return false;
    }
}

QVariant TaskTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* names[] = {"Id",        "Name",     "State",      "Waiting on", "Worker",
                                  "Polls",     "Wakes",    "Self-wakes", "Busy",       "Idle",
                                  "Scheduled", "Warnings", "Location"};
    static_assert(std::size(names) == ColumnCount);
    if (section < 0 || section >= ColumnCount)
        return {};
    return tr(names[section]);
}

} // namespace pollscope::app
