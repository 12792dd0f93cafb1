#pragma once
// SelectionSync: one selected task (and, when a poll was clicked, that poll)
// shown everywhere at once: the timeline's highlighted lane, the task
// table's current row, the event log's row of the clicked poll and the code
// panel's await-site line. A click in the timeline or a row chosen in the
// table selects; the views it then updates are changed with their signals
// blocked (or are not connected back), so a selection never loops.

#include <QObject>

#include <cstdint>

class QAbstractItemView;
class QSortFilterProxyModel;
class QTableView;

namespace pollscope::app {

class EventLogModel;
class ExamplePanel;
class TaskTableModel;
class TimelineView;
class TraceStore;

class SelectionSync : public QObject {
    Q_OBJECT
public:
    /// The views to keep in step; `table` shows `model` through `proxy`
    /// (a QTreeView when the model is a tree: selecting a child expands its
    /// parents), `log` shows `log_model`. All must outlive this object.
    struct Views {
        TimelineView* timeline = nullptr;
        QAbstractItemView* table = nullptr;
        QSortFilterProxyModel* proxy = nullptr;
        TaskTableModel* model = nullptr;
        QTableView* log = nullptr;
        EventLogModel* log_model = nullptr;
        ExamplePanel* code = nullptr;
    };
    SelectionSync(const TraceStore& store, const Views& views, QObject* parent = nullptr);

    /// Selects `task` (0: none) everywhere; `poll` (an index into the
    /// store's polls, -1: none) picks the log row and the code line.
    void select_task(std::uint32_t task, int poll = -1);
    /// Selects a task on the window's own initiative: a person's click
    /// later wins, and follows() stays true until then.
    void auto_select(std::uint32_t task);
    /// Forgets the selection (the store was cleared or replaced); the views
    /// are reset by their owners.
    void clear();

    std::uint32_t selected_task() const noexcept { return task_; }
    int selected_poll() const noexcept { return poll_; }
    /// Nothing selected by a person: the window may move the selection.
    bool follows() const noexcept { return task_ == 0 || auto_; }

    /// The table's current row to the selected task (after the table's rows changed).
    void sync_table() const;
    /// The code panel to the selected poll's await site, else to where the
    /// selected task last stopped.
    void sync_code() const;

private:
    void sync_log() const;

    const TraceStore& store_;
    Views v_;
    std::uint32_t task_ = 0;
    int poll_ = -1;     // the clicked poll (-1: follow the task's latest)
    bool auto_ = false; // task_ was picked by the window
};

} // namespace pollscope::app
