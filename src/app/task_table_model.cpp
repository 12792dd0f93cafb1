#include "task_table_model.h"

#include "duration_text.h"

#include "trace_store.h"

#include <QBrush>
#include <QColor>
#include <QStringList>

#include <algorithm>
#include <unordered_map>

namespace pollscope::app {

TaskTableModel::TaskTableModel(QObject* parent)
    : QAbstractItemModel(parent) {}

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
    cursor_.clear();
    tree_ = {};
    shown_.clear();
    shown_roots_ = 0;
    endResetModel();
}

std::vector<std::uint32_t> TaskTableModel::parent_rows(const trace::TraceStats& stats) {
    const auto& tasks = stats.tasks;
    std::vector<std::uint32_t> parents(tasks.size(), trace::SpawnTree::kNone);
    const auto by_id = [](const trace::TaskStats& a, const trace::TaskStats& b) {
        return a.id < b.id;
    };
    const bool sorted = std::is_sorted(tasks.begin(), tasks.end(), by_id);
    std::unordered_map<std::uint32_t, std::uint32_t> row_of_id; // only when not sorted by id
    if (!sorted)
        for (std::size_t i = 0; i < tasks.size(); ++i)
            row_of_id.emplace(tasks[i].id, std::uint32_t(i));
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const auto p = tasks[i].parent;
        if (p == 0)
            continue;
        if (sorted) {
            trace::TaskStats key;
            key.id = p;
            const auto it = std::lower_bound(tasks.begin(), tasks.end(), key, by_id);
            if (it != tasks.end() && it->id == p)
                parents[i] = std::uint32_t(it - tasks.begin());
        } else if (const auto it = row_of_id.find(p); it != row_of_id.end()) {
            parents[i] = it->second;
        }
    }
    return parents;
}

void TaskTableModel::set_tree(bool on) {
    if (on == tree_on_)
        return;
    beginResetModel();
    tree_on_ = on;
    tree_ = on ? trace::SpawnTree(parent_rows(stats_)) : trace::SpawnTree();
    shown_.assign(on ? stats_.tasks.size() : 0, 0);
    for (std::size_t i = 0; i < shown_.size(); ++i)
        shown_[i] = std::uint32_t(tree_.children(std::uint32_t(i)).size());
    shown_roots_ = std::uint32_t(tree_.roots().size());
    endResetModel();
}

bool TaskTableModel::insert_new_children(std::size_t old_rows) {
    // New rows come after the old ones, so each parent's new children come
    // after its old ones; a parent is announced (in its own parent's turn)
    // before its children, as parents come before children in row order.
    constexpr std::size_t kMaxParents = 256; // more: one reset is cheaper
    std::vector<std::uint32_t> parents;      // kNone (the roots) sorts last: moved first below
    for (std::size_t i = old_rows; i < stats_.tasks.size(); ++i)
        parents.push_back(tree_.parent(std::uint32_t(i)));
    std::sort(parents.begin(), parents.end());
    parents.erase(std::unique(parents.begin(), parents.end()), parents.end());
    if (parents.size() > kMaxParents)
        return false;
    if (!parents.empty() && parents.back() == trace::SpawnTree::kNone) {
        parents.pop_back();
        const auto n = std::uint32_t(tree_.roots().size());
        beginInsertRows({}, int(shown_roots_), int(n) - 1);
        shown_roots_ = n;
        endInsertRows();
    }
    for (const auto p : parents) {
        const auto n = std::uint32_t(tree_.children(p).size());
        beginInsertRows(createIndex(int(tree_.position(p)), 0, quintptr(p)), int(shown_[p]),
                        int(n) - 1);
        shown_[p] = n;
        endInsertRows();
    }
    return true;
}

TaskTableModel::Rows TaskTableModel::rows_of(trace::TraceStats stats, const TraceStore* store) {
    Rows rows;
    // Drop the "no task" row (id 0) if the statistics carry one.
    std::erase_if(stats.tasks, [](const trace::TaskStats& t) { return t.id == 0; });
    for (const auto& t : stats.tasks) {
        QString waits;
        if (store && t.state == trace::TaskState::Idle) {
            // An idle task waits on what its last (Pending) poll named.
            const int li = store->task_lane(t.id);
            if (li >= 0 && !store->task_lanes()[std::size_t(li)].polls.empty())
                waits = QString::fromStdString(
                    store->waits_on_text(store->task_lanes()[std::size_t(li)].polls.back()));
        }
        rows.waiting.push_back(waits);
        rows.names.push_back(store ? store->task_label(t.id) : QString::number(t.id));
        QStringList ws;
        for (auto th : t.threads) {
            QString label = store ? store->thread_label(th) : QString::number(th);
            const int paren = label.indexOf(QStringLiteral(" ("));
            ws << (paren > 0 ? label.left(paren) : label);
        }
        rows.workers.push_back(ws.join(QStringLiteral(", ")));
        rows.locations.push_back(
            store ? QString::fromStdString(store->trace().short_location_text(t.spawn_location))
                  : QString());
    }
    rows.stats = std::move(stats);
    return rows;
}

void TaskTableModel::set_stats(trace::TraceStats stats, const TraceStore* store) {
    set_rows(rows_of(std::move(stats), store));
}

void TaskTableModel::set_rows(Rows rows) {
    trace::TraceStats& stats = rows.stats;
    std::vector<QString>& names = rows.names;
    std::vector<QString>& workers = rows.workers;
    std::vector<QString>& locations = rows.locations;
    std::vector<QString>& waiting = rows.waiting;
    const int old_rows = int(stats_.tasks.size());
    const int new_rows = int(stats.tasks.size());
    // Tasks only ever get added (ids ascending): same prefix, more rows.
    bool prefix = new_rows >= old_rows;
    for (int i = 0; prefix && i < old_rows; ++i)
        prefix = stats_.tasks[std::size_t(i)].id == stats.tasks[std::size_t(i)].id;
    std::vector<std::uint32_t> parents;
    if (tree_on_) {
        parents = parent_rows(stats);
        // A parent learnt late (its Spawn drained after the child's first
        // poll) moves a row: the tree is built again.
        for (int i = 0; prefix && i < old_rows; ++i)
            prefix = parents[std::size_t(i)] == tree_.parent(std::uint32_t(i)) ||
                     (parents[std::size_t(i)] >= std::uint32_t(i) &&
                      tree_.parent(std::uint32_t(i)) == trace::SpawnTree::kNone);
    }
    const auto take = [&] {
        stats_ = std::move(stats);
        names_ = std::move(names);
        workers_ = std::move(workers);
        locations_ = std::move(locations);
        waiting_ = std::move(waiting);
        if (tree_on_)
            tree_ = trace::SpawnTree(parents);
    };
    const auto show_all = [this] {
        shown_.assign(tree_on_ ? stats_.tasks.size() : 0, 0);
        for (std::size_t i = 0; i < shown_.size(); ++i)
            shown_[i] = std::uint32_t(tree_.children(std::uint32_t(i)).size());
        shown_roots_ = std::uint32_t(tree_.roots().size());
    };
    if (!prefix) {
        beginResetModel();
        take();
        show_all();
        endResetModel();
        return;
    }
    if (tree_on_) {
        const auto old_roots = shown_roots_;
        std::vector<std::uint32_t> old_parents; // old rows with children shown
        for (int i = 0; i < old_rows; ++i)
            if (shown_[std::size_t(i)] > 0)
                old_parents.push_back(std::uint32_t(i));
        take();
        shown_.resize(stats_.tasks.size(), 0);
        if (new_rows > old_rows && !insert_new_children(std::size_t(old_rows))) {
            beginResetModel();
            show_all();
            endResetModel();
            return;
        }
        if (old_roots > 0)
            emit dataChanged(index(0, 0), index(int(old_roots) - 1, ColumnCount - 1));
        // Children's values (live runs: few parents; beyond, a repaint shows them).
        constexpr std::size_t kMaxParentsChanged = 256;
        if (old_parents.size() <= kMaxParentsChanged)
            for (const auto p : old_parents) {
                const QModelIndex pi = createIndex(int(tree_.position(p)), 0, quintptr(p));
                emit dataChanged(index(0, 0, pi), index(int(shown_[p]) - 1, ColumnCount - 1, pi));
            }
        return;
    }
    if (new_rows > old_rows)
        beginInsertRows({}, old_rows, new_rows - 1);
    take();
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

QModelIndex TaskTableModel::index_of(std::uint32_t task, int column) const {
    const int row = row_of(task);
    if (row < 0)
        return {};
    if (!tree_on_)
        return createIndex(row, column, quintptr(row));
    return createIndex(int(tree_.position(std::uint32_t(row))), column, quintptr(row));
}

QModelIndex TaskTableModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= ColumnCount || row >= rowCount(parent))
        return {};
    if (!tree_on_)
        return createIndex(row, column, quintptr(row));
    const auto node = parent.isValid() ? tree_.children(std::uint32_t(stats_row(parent)))[row]
                                       : tree_.roots()[std::size_t(row)];
    return createIndex(row, column, quintptr(node));
}

QModelIndex TaskTableModel::parent(const QModelIndex& child) const {
    if (!tree_on_ || !child.isValid())
        return {};
    const auto p = tree_.parent(std::uint32_t(stats_row(child)));
    if (p == trace::SpawnTree::kNone)
        return {};
    return createIndex(int(tree_.position(p)), 0, quintptr(p));
}

QModelIndex TaskTableModel::sibling(int row, int column, const QModelIndex& idx) const {
    // Another column of the same row: the same task (QSortFilterProxyModel
    // asks for every cell it maps).
    if (idx.isValid() && row == idx.row() && column >= 0 && column < ColumnCount)
        return createIndex(row, column, idx.internalId());
    return QAbstractItemModel::sibling(row, column, idx);
}

bool TaskTableModel::hasChildren(const QModelIndex& parent) const {
    return rowCount(parent) > 0;
}

Qt::ItemFlags TaskTableModel::flags(const QModelIndex& index) const {
    auto f = QAbstractItemModel::flags(index);
    // Flat: no row ever has children (QTreeView then skips looking).
    if (index.isValid() && !tree_on_)
        f |= Qt::ItemNeverHasChildren;
    return f;
}

int TaskTableModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid())
        return tree_on_ ? int(shown_roots_) : int(stats_.tasks.size());
    if (!tree_on_ || parent.column() != 0)
        return 0;
    return int(shown_[std::size_t(stats_row(parent))]);
}

int TaskTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() && (!tree_on_ || parent.column() != 0) ? 0 : ColumnCount;
}

QVariant TaskTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const auto row = std::size_t(stats_row(index));
    const auto& t = stats_.tasks[row];
    if (role == TaskIdRole)
        return quint64(t.id);
    if (auto v = cursor_data(row, index.column(), role))
        return *v;
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
    if (const auto c = cursor_less(ra, rb, column))
        return *c;
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
        return QAbstractItemModel::headerData(section, orientation, role);
    static const char* names[] = {"Id",        "Name",     "State",      "Waiting on", "Worker",
                                  "Polls",     "Wakes",    "Self-wakes", "Busy",       "Idle",
                                  "Scheduled", "Warnings", "Location"};
    static_assert(std::size(names) == ColumnCount);
    if (section < 0 || section >= ColumnCount)
        return {};
    return tr(names[section]);
}

} // namespace pollscope::app
