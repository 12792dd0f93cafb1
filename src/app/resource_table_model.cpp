#include "resource_table_model.h"

#include "task_table_model.h"
#include "trace_store.h"

namespace pollscope::app {

namespace {
/// How many task names a row lists before "+N more".
constexpr std::size_t kListedTasks = 6;
} // namespace

ResourceTableModel::ResourceTableModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void ResourceTableModel::refresh(const TraceStore& store, std::int64_t now) {
    beginResetModel();
    rows_ = trace::resource_rows(store, now);
    locations_.clear();
    tasks_.clear();
    for (const auto& r : rows_) {
        locations_.push_back(
            QString::fromStdString(store.trace().short_location_text(r.first_site)));
        QStringList names;
        for (std::size_t i = 0; i < r.tasks.size() && i < kListedTasks; ++i)
            names << store.task_label(r.tasks[i]);
        if (r.tasks.size() > kListedTasks)
            names << tr("+%1 more").arg(r.tasks.size() - kListedTasks);
        tasks_.push_back(names.join(QStringLiteral(", ")));
    }
    endResetModel();
}

void ResourceTableModel::clear() {
    beginResetModel();
    rows_.clear();
    locations_.clear();
    tasks_.clear();
    endResetModel();
}

int ResourceTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int ResourceTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ResourceTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(rows_.size()))
        return {};
    const auto row = std::size_t(index.row());
    const auto& r = rows_[row];
    const bool sort = role == SortRole;
    if (role == Qt::TextAlignmentRole)
        return index.column() >= WaitersNow && index.column() <= WaitTime
                   ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                   : QVariant();
    if (role == Qt::ToolTipRole) {
        if (index.column() == Kind && r.channel >= 0)
            return tr("A channel: %1 sends, %2 receives").arg(r.sends).arg(r.recvs);
        if (index.column() == Location)
            return r.first_site ? tr("The await site of the first wait on it (the trace does "
                                     "not record where a resource was created)")
                                : tr("No task waited on it");
        return {};
    }
    if (role != Qt::DisplayRole && !sort)
        return {};
    switch (index.column()) {
    case Kind:
        return QString::fromStdString(r.kind_text);
    case Name:
        return QString::fromStdString(r.name);
    case WaitersNow:
        return r.waiters_now;
    case Waits:
        return qulonglong(r.waits);
    case WaitTime:
        return sort ? QVariant(qint64(r.wait_ns)) : QVariant(TaskTableModel::format_ns(r.wait_ns));
    case Location:
        return locations_[row];
    case Tasks:
        return sort ? QVariant(qulonglong(r.tasks.size())) : QVariant(tasks_[row]);
    default:
        return {};
    }
}

QVariant ResourceTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case WaitersNow:
            return tr("Tasks waiting on it at the end of the trace (in a live run: now)");
        case Waits:
            return tr("Pending polls that waited on it");
        case WaitTime:
            return tr("How long those waits lasted, summed");
        case Location:
            return tr("The trace does not record where a resource was created: the await "
                      "site of the first wait on it");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Kind:
        return tr("Kind");
    case Name:
        return tr("Name");
    case WaitersNow:
        return tr("Waiters now");
    case Waits:
        return tr("Total waits");
    case WaitTime:
        return tr("Total wait time");
    case Location:
        return tr("First waited at");
    case Tasks:
        return tr("Tasks");
    default:
        return {};
    }
}

} // namespace pollscope::app
