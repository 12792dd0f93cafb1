#pragma once
// TaskTableModel: one row per task from the trace statistics (id, name,
// state, what it waits on, worker, polls, wakes, self-wakes, busy, idle,
// scheduled, location, warnings). Sort and filter through TaskSortProxy
// (less()); SortRole gives numbers for the numeric columns to other views.

#include "stats.h"

#include <QAbstractTableModel>

namespace pollscope::app {

class TraceStore;

class TaskTableModel : public QAbstractTableModel {
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
    void clear();
    const trace::TraceStats& stats() const noexcept { return stats_; }
    /// Row of a task, or -1.
    int row_of(std::uint32_t task) const;
    /// Whether row `a` sorts before row `b` by `column`: what SortRole
    /// compares, without a QVariant (TaskSortProxy).
    bool less(int a, int b, int column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString format_ns(std::int64_t ns);

private:
    trace::TraceStats stats_;
    std::vector<QString> names_, workers_, locations_, waiting_; // per row
};

} // namespace pollscope::app
