// SelectionSync on its own, over the real views and a recorded run of the
// spawn example (virtual clock): a poll clicked in the timeline selects its
// task's table row, the poll's event-log row and its await line in the code;
// a row chosen in the table selects back; nothing loops (the clicked poll
// survives the table's update), sorting keeps the row, clear() forgets; in
// the tree (issue 9 item 6) a child selected in the timeline is revealed in
// the table with its parent expanded, and a child row selects back.
#include "event_log_model.h"
#include "example_catalog.h"
#include "example_panel.h"
#include "recorded_run.h"
#include "selection_sync.h"
#include "stats.h"
#include "task_table_model.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTreeView>
#include <QtTest>

#include <memory>

using namespace pollscope;
using namespace pollscope::app;

namespace {

/// The views a window holds, over one recorded run of `spawn`.
struct Fixture {
    TraceStore store;
    TimelineView timeline;
    TaskTableModel model;
    QSortFilterProxyModel proxy;
    QTreeView table; // as in the window: a table, or the tasks' tree
    EventLogModel log_model{&store};
    QTableView log;
    ExamplePanel code;
    std::unique_ptr<SelectionSync> sync;

    Fixture() {
        const auto* spawn = find_example(QStringLiteral("spawn"));
        auto knobs = examples::default_knobs(*spawn);
        knobs[QStringLiteral("virtual_time")] = 1;
        examples::RecordedRun run(*spawn, knobs);
        run.run();
        store.load(run.recorder().snapshot());
        timeline.set_store(&store);
        model.set_stats(trace::compute_stats(store.trace()), &store);
        proxy.setSourceModel(&model);
        proxy.setSortRole(TaskTableModel::SortRole);
        table.setModel(&proxy);
        table.setSelectionBehavior(QAbstractItemView::SelectRows);
        log_model.refresh();
        log.setModel(&log_model);
        code.set_example(spawn);
        SelectionSync::Views v;
        v.timeline = &timeline;
        v.table = &table;
        v.proxy = &proxy;
        v.model = &model;
        v.log = &log;
        v.log_model = &log_model;
        v.code = &code;
        sync = std::make_unique<SelectionSync>(store, v);
    }
    std::uint32_t table_task() const {
        return std::uint32_t(table.currentIndex().data(TaskTableModel::TaskIdRole).toULongLong());
    }
    /// The code panel's line (1-based) of a location id in the example's file.
    int line_of(std::uint32_t site) const {
        return int(store.trace().locations[site].line) - code.example()->code_first_line + 1;
    }
};

} // namespace

class TestSelectionSync : public QObject {
    Q_OBJECT
private slots:
    void timeline_click_selects_everywhere() {
        Fixture f;
        QVERIFY(f.store.task_lanes().size() > 1);
        // A Pending poll of a task other than the first (the table's row 0):
        // it has an await site, and the table row must move.
        const auto first = f.store.task_lanes().front().key;
        int pi = -1;
        for (std::size_t i = 0; i < f.store.polls().size() && pi < 0; ++i)
            if (f.store.polls()[i].site != 0 && f.store.polls()[i].task != first)
                pi = int(i);
        QVERIFY(pi >= 0);
        const auto& poll = f.store.polls()[std::size_t(pi)];
        emit f.timeline.task_clicked(poll.task, pi);

        QCOMPARE(f.sync->selected_task(), poll.task);
        QCOMPARE(f.sync->selected_poll(), pi); // the table's update did not reselect
        QVERIFY(!f.sync->follows());
        QCOMPARE(f.timeline.selected_task(), poll.task);
        QCOMPARE(f.table_task(), poll.task);
        // The log: a row of that task at the poll's start.
        const QModelIndex row = f.log.currentIndex();
        QVERIFY(row.isValid());
        QCOMPARE(row.data(EventLogModel::TaskIdRole).toUInt(), poll.task);
        const int at = f.log_model.row_at_time(poll.start);
        QVERIFY(at >= 0 && at <= row.row() && row.row() < at + 64);
        // The code: the poll's await site, a co_await of the example.
        const int line = f.code.highlighted_line();
        QCOMPARE(line, f.line_of(poll.site));
        const QStringList code = f.code.example()->code.split(QLatin1Char('\n'));
        QVERIFY2(code[line - 1].contains(QLatin1String("co_await")), qPrintable(code[line - 1]));
    }

    void table_row_selects_back() {
        Fixture f;
        const auto& lanes = f.store.task_lanes();
        QVERIFY(lanes.size() > 1);
        f.sync->select_task(lanes.front().key);
        QCOMPARE(f.table_task(), lanes.front().key);
        // A person picks the last task's row.
        const auto task = lanes.back().key;
        const QModelIndex pi = f.proxy.mapFromSource(f.model.index(f.model.row_of(task), 0));
        QSignalSpy clicked(&f.timeline, &TimelineView::task_clicked);
        f.table.selectionModel()->setCurrentIndex(pi, QItemSelectionModel::ClearAndSelect |
                                                          QItemSelectionModel::Rows);
        QCOMPARE(f.sync->selected_task(), task);
        QCOMPARE(f.sync->selected_poll(), -1);
        QCOMPARE(f.timeline.selected_task(), task);
        QCOMPARE(clicked.count(), 0);
        // The code: where that task last stopped (its last poll with a site).
        std::uint32_t site = 0;
        const auto& polls = lanes[std::size_t(f.store.task_lane(task))].polls;
        for (auto it = polls.rbegin(); it != polls.rend() && site == 0; ++it)
            site = f.store.polls()[*it].site;
        QCOMPARE(f.code.highlighted_line(), site ? f.line_of(site) : 0);
    }

    void sorting_keeps_the_selected_row() {
        Fixture f;
        QVERIFY(f.store.task_lanes().size() > 1);
        const auto task = f.store.task_lanes().back().key;
        f.sync->select_task(task);
        QCOMPARE(f.table_task(), task);
        f.proxy.sort(TaskTableModel::Id, Qt::DescendingOrder);
        f.sync->sync_table();
        QCOMPARE(f.table_task(), task);
        QCOMPARE(f.sync->selected_task(), task);
    }

    void auto_selection_yields_to_a_person() {
        Fixture f;
        QVERIFY(f.sync->follows()); // nothing selected
        const auto& lanes = f.store.task_lanes();
        QVERIFY(lanes.size() > 1);
        f.sync->auto_select(lanes.front().key);
        QCOMPARE(f.sync->selected_task(), lanes.front().key);
        QVERIFY(f.sync->follows());
        emit f.timeline.task_clicked(lanes.back().key, -1);
        QVERIFY(!f.sync->follows());
        f.sync->clear();
        QCOMPARE(f.sync->selected_task(), std::uint32_t(0));
        QCOMPARE(f.sync->selected_poll(), -1);
        QVERIFY(f.sync->follows());
    }

    void tree_reveals_a_child_and_selects_back() {
        Fixture f;
        f.model.set_tree(true);
        const auto id_of = [&](const char* name) {
            for (const auto& l : f.store.task_lanes())
                if (f.store.task_label(l.key) == QLatin1String(name))
                    return l.key;
            return 0u;
        };
        const auto parent = id_of("test_spawn"), child = id_of("task_2");
        QVERIFY(parent != 0 && child != 0);
        // The child is not a top-level row: only its parent is.
        bool top = false;
        for (int r = 0; r < f.proxy.rowCount(); ++r)
            top |= f.proxy.index(r, 0).data(TaskTableModel::TaskIdRole).toUInt() == child;
        QVERIFY(!top);
        const QModelIndex parent_row = f.proxy.mapFromSource(f.model.index_of(parent));
        QVERIFY(!f.table.isExpanded(parent_row));

        // A click on the child's lane: its row is current, its parent expanded.
        emit f.timeline.task_clicked(child, -1);
        QCOMPARE(f.table_task(), child);
        QCOMPARE(f.table.currentIndex().parent(), parent_row);
        QVERIFY(f.table.isExpanded(parent_row));

        // A person picks another child's row: the timeline follows.
        const auto other = id_of("task_3");
        f.table.setCurrentIndex(f.proxy.mapFromSource(f.model.index_of(other)));
        QCOMPARE(f.sync->selected_task(), other);
        QCOMPARE(f.timeline.selected_task(), other);
    }
};

QTEST_MAIN(TestSelectionSync)
#include "test_selection_sync.moc"
