#pragma once
// EventLogModel: the trace's events as a log (time, thread, kind, task,
// details), filtered by task and by kind. Reads the TraceStore in place: no
// copy of the events; a filter keeps a vector of row -> event indexes.

#include "event.h"

#include <QAbstractTableModel>

#include <vector>

namespace pollscope::app {

class TraceStore;

class EventLogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    /// Story: the transition told in one line (trace::narrate()).
    enum Column { Time, Thread, Kind, Task, Details, Story, ColumnCount };
    static constexpr int TaskIdRole = Qt::UserRole + 2;
    static constexpr int EventIndexRole = Qt::UserRole + 3;

    explicit EventLogModel(const TraceStore* store, QObject* parent = nullptr);

    /// Shows only events of `task` (0: every task).
    void set_task_filter(std::uint32_t task);
    /// Shows only events of `kind` (-1: every kind).
    void set_kind_filter(int kind);
    std::uint32_t task_filter() const noexcept { return task_; }
    int kind_filter() const noexcept { return kind_; }
    /// The store changed (events appended or replaced).
    void refresh();
    /// Row showing the first event at or after ts, or -1.
    int row_at_time(std::int64_t ts) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    bool filtered() const noexcept { return task_ != 0 || kind_ >= 0; }
    bool accepts(const trace::Event& e) const noexcept;
    void rebuild();
    std::size_t event_index(int row) const;
    QString details(const trace::Event& e) const;
    /// A resource's text ("sleep until 100.0 ms"), "unknown" for 0 or an undescribed id.
    QString waits_on(std::uint32_t resource) const;

    const TraceStore* store_;
    std::uint32_t task_ = 0;
    int kind_ = -1;
    std::vector<std::uint32_t> rows_; // event indexes when filtered
    std::size_t shown_ = 0;           // rows when not filtered
    std::uint64_t generation_ = 0;
};

} // namespace pollscope::app
