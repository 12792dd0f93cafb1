#pragma once
// TaskTableModel: one row per task from the trace statistics (id, name,
// state, what it waits on, worker, polls, wakes, self-wakes, busy, idle,
// scheduled, location, warnings). Sort and filter through TaskSortProxy
// (less()); SortRole gives numbers for the numeric columns to other views.
// Flat (a table) or, with set_tree(), a tree of who spawned whom: each task
// under its parent (SpawnTree); an index's internalId() is its statistics row.

#include "spawn_tree.h"
#include "stats.h"

#include <QAbstractItemModel>
#include <QString>

#include <optional>
#include <vector>

namespace pollscope::app {

class TraceStore;

class TaskTableModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column {
        Id,
        Name,
        State,
        WaitingOn, // what an idle task's last Pending poll waits on
        Worker,
        Polls,
        Wakes,
        SelfWakes,
        Busy,
        Idle,
        Scheduled,
        Warnings, // before the long Location: visible without scrolling
        Location,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int TaskIdRole = Qt::UserRole + 2;

    explicit TaskTableModel(QObject* parent = nullptr);

    /// Replaces the statistics; rows keep their identity where tasks persist
    /// (new tasks are inserted, existing rows change in place).
    void set_stats(trace::TraceStats stats, const TraceStore* store);
    /// The statistics' rows (without the "no task" id 0) and their labels,
    /// built on any thread (it only reads `store`): 518k tasks' labels take
    /// about a second, which an opened file's worker spends instead of the
    /// GUI thread.
    struct Rows {
        trace::TraceStats stats;
        std::vector<QString> names, workers, locations, waiting;
    };
    static Rows rows_of(trace::TraceStats stats, const TraceStore* store);
    /// set_stats() with the rows built already.
    void set_rows(Rows rows);
    void clear();
    const trace::TraceStats& stats() const noexcept { return stats_; }
    /// Row of a task in stats().tasks, or -1.
    int row_of(std::uint32_t task) const;
    /// The index showing a task (in the tree: under its parent), or invalid.
    QModelIndex index_of(std::uint32_t task, int column = 0) const;
    /// The row in stats().tasks an index of this model shows.
    static int stats_row(const QModelIndex& index) { return int(index.internalId()); }
    /// Whether stats row `a` sorts before stats row `b` by `column`: what
    /// SortRole compares, without a QVariant (TaskSortProxy).
    bool less(int a, int b, int column) const;

    /// Tree (children under the task that spawned them) or flat rows.
    void set_tree(bool on);
    bool tree() const noexcept { return tree_on_; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& index) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString format_ns(std::int64_t ns);

    /// A rewind cursor (task_table_cursor.cpp): each row's task as it was
    /// then (StateAtStep). State, Waiting on, Polls, Wakes and Self-wakes
    /// show it; the columns summed over the whole run (worker, times,
    /// warnings) show nothing; rows of tasks not seen by then are hidden by
    /// TaskSortProxy (shown_at_cursor()).
    struct AtCursor {
        bool seen = false;
        trace::TaskState state = trace::TaskState::Scheduled;
        std::uint64_t polls = 0, wakes = 0, self_wakes = 0;
        QString waiting;
        friend bool operator==(const AtCursor&, const AtCursor&) = default;
    };
    /// One per stats row (empty: the cursor is off, the end state shows).
    void set_cursor_rows(std::vector<AtCursor> rows);
    /// Row `row` (of stats()) changed at the cursor.
    void set_cursor_row(int row, AtCursor at);
    bool at_cursor() const noexcept { return !cursor_.empty(); }
    /// Whether stats row `row` shows (always, without a cursor).
    bool shown_at_cursor(int row) const;

signals:
    /// Which rows show at the cursor may have changed (the proxy filters again).
    void cursor_rows_changed();

private:
    /// The cursor's value of a cell, or nullopt where the cell shows the end state.
    std::optional<QVariant> cursor_data(std::size_t row, int column, int role) const;
    /// less() on the cursor's values, or nullopt where the end state's decide.
    std::optional<bool> cursor_less(std::size_t a, std::size_t b, int column) const;

    /// Each stats row's parent row (SpawnTree::kNone: none) for `stats`.
    static std::vector<std::uint32_t> parent_rows(const trace::TraceStats& stats);
    /// Announces the tree's rows beyond the shown ones, parent by parent;
    /// false when there are too many parents to announce one by one.
    bool insert_new_children(std::size_t old_rows);

    trace::TraceStats stats_;
    std::vector<QString> names_, workers_, locations_, waiting_; // per row
    std::vector<AtCursor> cursor_; // per row at the rewind cursor (empty: off)
    bool tree_on_ = false;
    trace::SpawnTree tree_;
    // Tree mode: children (roots) the views were told of so far; rows are
    // announced parent by parent when tasks are added (insert_new_children).
    std::vector<std::uint32_t> shown_;
    std::uint32_t shown_roots_ = 0;
};

} // namespace pollscope::app
