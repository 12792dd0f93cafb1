#include "selection_sync.h"

#include "event_log_model.h"
#include "example_panel.h"
#include "task_table_model.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QItemSelectionModel>
#include <QSortFilterProxyModel>
#include <QTableView>

namespace pollscope::app {

SelectionSync::SelectionSync(const TraceStore& store, const Views& views, QObject* parent)
    : QObject(parent)
    , store_(store)
    , v_(views) {
    connect(v_.timeline, &TimelineView::task_clicked, this,
            [this](quint64 task, int poll) { select_task(std::uint32_t(task), poll); });
    // The table's row moved by a person (sync_table() moves it with the
    // selection model's signals blocked).
    connect(v_.table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& cur) {
                if (!cur.isValid())
                    return;
                const auto task = std::uint32_t(cur.data(TaskTableModel::TaskIdRole).toULongLong());
                if (task != task_)
                    select_task(task);
            });
}

void SelectionSync::clear() {
    task_ = 0;
    poll_ = -1;
    auto_ = false;
}

void SelectionSync::auto_select(std::uint32_t task) {
    select_task(task);
    auto_ = true;
}

void SelectionSync::select_task(std::uint32_t task, int poll) {
    task_ = task;
    poll_ = poll;
    auto_ = false;
    v_.timeline->set_selected_task(task);
    sync_table();
    sync_code();
    sync_log();
}

void SelectionSync::sync_table() const {
    const QModelIndex pi = v_.proxy->mapFromSource(v_.model->index_of(task_));
    if (pi.isValid() && v_.table->currentIndex().siblingAtColumn(0) != pi) {
        QSignalBlocker b(v_.table->selectionModel());
        v_.table->selectionModel()->setCurrentIndex(pi, QItemSelectionModel::ClearAndSelect |
                                                            QItemSelectionModel::Rows);
        v_.table->scrollTo(pi);
    }
}

void SelectionSync::sync_log() const {
    // The event row of the clicked poll (its PollStart: the first row at
    // its start time that belongs to the task).
    const auto& polls = store_.polls();
    if (poll_ < 0 || std::size_t(poll_) >= polls.size())
        return;
    auto* m = v_.log_model;
    const int r = m->row_at_time(polls[std::size_t(poll_)].start);
    for (int k = 0; r >= 0 && k < 64 && r + k < m->rowCount(); ++k) {
        const auto idx = m->index(r + k, 0);
        if (idx.data(EventLogModel::TaskIdRole).toUInt() == task_) {
            v_.log->setCurrentIndex(idx);
            v_.log->scrollTo(idx, QAbstractItemView::PositionAtCenter);
            break;
        }
    }
}

void SelectionSync::sync_code() const {
    std::uint32_t site = 0;
    const auto& polls = store_.polls();
    if (poll_ >= 0 && std::size_t(poll_) < polls.size()) {
        site = polls[std::size_t(poll_)].site;
    } else if (const int li = store_.task_lane(task_); li >= 0 && task_ != 0) {
        const auto& lane = store_.task_lanes()[std::size_t(li)];
        for (auto it = lane.polls.rbegin(); it != lane.polls.rend() && site == 0; ++it)
            site = polls[*it].site;
    }
    const auto& t = store_.trace();
    if (site != 0 && site < t.locations.size()) {
        const auto& loc = t.locations[site];
        const auto file = t.string(loc.file);
        v_.code->highlight_site(QString::fromUtf8(file.data(), qsizetype(file.size())),
                                int(loc.line));
    } else {
        v_.code->highlight_site({}, 0);
    }
}

} // namespace pollscope::app
