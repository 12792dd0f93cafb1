// TaskTableModel: QAbstractItemModelTester (behind a proxy too), rows from
// statistics, incremental growth, what an idle task waits on (and the event
// log's text for it), and the tree of who spawned whom (issue 9 item 6):
// rows under each parent, parent(), sorting within each level, growth while
// a run goes on, the name filter keeping a match's parents.
#include "event_log_model.h"
#include "recorder.h"
#include "resource.h"
#include "synthetic.h"
#include "task_sort_proxy.h"
#include "task_table_model.h"
#include "trace_store.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QtTest>

#include <array>

using namespace pollscope;
using namespace pollscope::app;

namespace {

/// Statistics of tasks given as {id, parent, busy_ns}.
trace::TraceStats family(std::initializer_list<std::array<std::int64_t, 3>> tasks) {
    trace::TraceStats s;
    for (const auto& [id, parent, busy] : tasks) {
        trace::TaskStats t;
        t.id = std::uint32_t(id);
        t.parent = std::uint32_t(parent);
        t.busy_ns = busy;
        s.tasks.push_back(t);
    }
    return s;
}

/// The task ids of `parent`'s rows in `m`, in row order.
QList<quint64> ids_under(const QAbstractItemModel& m, const QModelIndex& parent = {}) {
    QList<quint64> out;
    for (int r = 0; r < m.rowCount(parent); ++r)
        out << m.index(r, 0, parent).data(TaskTableModel::TaskIdRole).toULongLong();
    return out;
}

} // namespace

class TestTaskTableModel : public QObject {
    Q_OBJECT
private slots:
    void passes_model_tester() {
        TaskTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(TaskTableModel::SortRole);
        QAbstractItemModelTester ptester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.sort(TaskTableModel::Busy, Qt::DescendingOrder);

        TraceStore store;
        auto t = trace::make_synthetic_trace(20000, 50, 4);
        auto small = t;
        small.events.resize(2000);
        store.load(small);
        model.set_stats(trace::compute_stats(store.trace()), &store);
        const int rows_small = model.rowCount();
        QVERIFY(rows_small > 0);
        store.load(t);
        model.set_stats(trace::compute_stats(store.trace()), &store);
        QVERIFY(model.rowCount() >= rows_small);
        QCOMPARE(model.columnCount(), int(TaskTableModel::ColumnCount));
        // Sorted by busy time, descending.
        for (int r = 1; r < proxy.rowCount(); ++r)
            QVERIFY(
                proxy.index(r - 1, TaskTableModel::Busy)
                    .data(TaskTableModel::SortRole)
                    .toLongLong() >=
                proxy.index(r, TaskTableModel::Busy).data(TaskTableModel::SortRole).toLongLong());
        // Filtering by name works.
        proxy.setFilterKeyColumn(TaskTableModel::Name);
        proxy.setFilterFixedString(QStringLiteral("no such task name"));
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setFilterFixedString(QString());
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void sort_proxy_orders_as_sort_role() {
        // TaskSortProxy compares the model's values directly; every column
        // must come out in the order QSortFilterProxyModel gives by SortRole
        // (numbers) and by the displayed text (names, workers, locations).
        TraceStore store;
        store.load(trace::make_synthetic_trace(20000, 300, 4));
        TaskTableModel model;
        model.set_stats(trace::compute_stats(store.trace()), &store);
        QVERIFY(model.rowCount() > 100);
        TaskSortProxy fast(&model);
        QAbstractItemModelTester tester(&fast,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSortFilterProxyModel reference;
        reference.setSourceModel(&model);
        reference.setSortRole(TaskTableModel::SortRole);
        for (int c = 0; c < TaskTableModel::ColumnCount; ++c) {
            for (auto order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                fast.sort(c, order);
                reference.sort(c, order);
                QCOMPARE(fast.rowCount(), reference.rowCount());
                // Ties may sit in any order: compare the sort keys row by row.
                for (int r = 0; r < fast.rowCount(); ++r)
                    QCOMPARE(fast.index(r, c).data(TaskTableModel::SortRole),
                             reference.index(r, c).data(TaskTableModel::SortRole));
            }
        }
        fast.setFilterFixedString(model.index(0, TaskTableModel::Name).data().toString());
        QVERIFY(fast.rowCount() >= 1);
    }

    void rows_show_stats() {
        TaskTableModel model;
        trace::TraceStats st;
        trace::TaskStats a;
        a.id = 7;
        a.name = "seven";
        a.polls = 3;
        a.wakes = 2;
        a.busy_ns = 1500;
        a.state = trace::TaskState::Done;
        st.tasks.push_back(a);
        model.set_stats(st, nullptr);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, TaskTableModel::Id).data().toULongLong(), 7ULL);
        QCOMPARE(model.index(0, TaskTableModel::Polls).data().toULongLong(), 3ULL);
        QCOMPARE(model.index(0, TaskTableModel::Busy).data().toString(), QStringLiteral("1.50 µs"));
        QCOMPARE(model.row_of(7), 0);
        QCOMPARE(model.row_of(8), -1);
    }

    void waiting_on_names_the_last_pending_polls_resource() {
        // Task 1 ends a poll Pending on a named channel and stays idle; task 2 is done.
        std::int64_t now = 0;
        trace::TraceRecorder rec({0, [&] { return now += 100; }, true});
        const std::string name = "events";
        const Resource channel(ResourceKind::MpscRecv, name);
        const auto loc = std::source_location::current();
        rec.on_spawn({1, 0, "waiter", loc});
        rec.on_spawn({2, 0, "done", loc});
        rec.on_poll_start(1);
        rec.on_poll_end(1, PollResult::Pending, loc, &channel);
        rec.on_poll_start(2);
        rec.on_poll_end(2, PollResult::Ready, loc, nullptr);
        TraceStore store;
        store.load(rec.snapshot());
        TaskTableModel model;
        model.set_stats(trace::compute_stats(store.trace()), &store);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(model.row_of(1), TaskTableModel::WaitingOn).data().toString(),
                 QStringLiteral("mpsc recv 'events' (empty)"));
        QCOMPARE(model.index(model.row_of(2), TaskTableModel::WaitingOn).data().toString(),
                 QString());
        QCOMPARE(model.headerData(TaskTableModel::WaitingOn, Qt::Horizontal).toString(),
                 QStringLiteral("Waiting on"));
        // The event log says it too, on the poll end and on the resource's description.
        EventLogModel log(&store);
        log.refresh();
        QStringList details;
        for (int r = 0; r < log.rowCount(); ++r)
            details << log.index(r, EventLogModel::Details).data().toString();
        QVERIFY2(details.contains(QStringLiteral("mpsc recv 'events' (empty)")),
                 qPrintable(details.join('|')));
        bool pending_says = false;
        for (const auto& d : details)
            pending_says |=
                d.startsWith("pending") && d.endsWith(", waits on mpsc recv 'events' (empty)");
        QVERIFY2(pending_says, qPrintable(details.join('|')));
    }

    void format_ns_data() {
        QTest::addColumn<qint64>("ns");
        QTest::addColumn<QString>("text");
        QTest::newRow("ns") << 999LL << QStringLiteral("999 ns");
        QTest::newRow("us") << 12'345LL << QStringLiteral("12.3 µs");
        QTest::newRow("ms") << 2'500'000LL << QStringLiteral("2.50 ms");
        QTest::newRow("s") << 3'000'000'000LL << QStringLiteral("3.000 s");
    }
    void format_ns() {
        QFETCH(qint64, ns);
        QFETCH(QString, text);
        QCOMPARE(TaskTableModel::format_ns(ns), text);
    }

    void tree_has_children_under_parents() {
        TaskTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        TaskSortProxy proxy(&model);
        QAbstractItemModelTester ptester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
        // 7's parent is unknown, 8 names a later task (a corrupt file): roots.
        model.set_stats(family({{1, 0, 50},
                                {2, 1, 10},
                                {3, 1, 30},
                                {4, 2, 5},
                                {5, 0, 70},
                                {6, 1, 20},
                                {7, 99, 1},
                                {8, 9, 2},
                                {9, 8, 3}}),
                        nullptr);
        QCOMPARE(model.rowCount(), 9); // flat
        model.set_tree(true);
        QCOMPARE(ids_under(model), (QList<quint64>{1, 5, 7, 8}));
        const QModelIndex one = model.index_of(1);
        QCOMPARE(ids_under(model, one), (QList<quint64>{2, 3, 6}));
        QCOMPARE(ids_under(model, model.index_of(2)), (QList<quint64>{4}));
        QCOMPARE(ids_under(model, model.index_of(8)), (QList<quint64>{9}));
        QCOMPARE(model.rowCount(model.index_of(4)), 0);
        QCOMPARE(model.parent(model.index_of(4)), model.index_of(2));
        QCOMPARE(model.parent(model.index_of(6, TaskTableModel::Busy)), one);
        QVERIFY(!model.parent(one).isValid());
        QCOMPARE(model.index_of(6).row(), 2);
        QCOMPARE(
            model.index_of(4, TaskTableModel::Busy).data(TaskTableModel::SortRole).toLongLong(), 5);

        // Sorting orders each level among itself.
        proxy.sort(TaskTableModel::Busy, Qt::DescendingOrder);
        QCOMPARE(ids_under(proxy), (QList<quint64>{5, 1, 8, 7}));
        const QModelIndex pone = proxy.mapFromSource(one);
        QCOMPARE(ids_under(proxy, pone), (QList<quint64>{3, 6, 2}));
        proxy.sort(TaskTableModel::Id, Qt::AscendingOrder);
        QCOMPARE(ids_under(proxy, proxy.mapFromSource(one)), (QList<quint64>{2, 3, 6}));

        // The filter keeps a match's parents.
        proxy.setFilterFixedString(QStringLiteral("4"));
        QCOMPARE(ids_under(proxy), (QList<quint64>{1}));
        QCOMPARE(ids_under(proxy, proxy.index(0, 0)), (QList<quint64>{2}));
        QCOMPARE(ids_under(proxy, proxy.index(0, 0, proxy.index(0, 0))), (QList<quint64>{4}));
        proxy.setFilterFixedString(QString());

        // Flat again: every task a top-level row.
        model.set_tree(false);
        QCOMPARE(model.rowCount(), 9);
        QVERIFY(!model.parent(model.index_of(4)).isValid());
    }

    void tree_grows_in_place() {
        // A live run adds tasks: rows are inserted under their parents, no
        // reset (a reset would collapse what a person expanded).
        TaskTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        TaskSortProxy proxy(&model);
        QAbstractItemModelTester ptester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.sort(TaskTableModel::Id, Qt::AscendingOrder);
        model.set_tree(true);
        model.set_stats(family({{1, 0, 0}, {2, 1, 0}}), nullptr);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
        // New: a child of 2, one of 1, a root, a child of the new root and
        // of the new child (parents announced before their children).
        model.set_stats(
            family({{1, 0, 0}, {2, 1, 0}, {3, 2, 0}, {4, 1, 0}, {5, 0, 0}, {6, 5, 0}, {7, 3, 0}}),
            nullptr);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(inserts.count(), 5); // roots, under 1, 2, 3 and 5
        QCOMPARE(ids_under(model), (QList<quint64>{1, 5}));
        QCOMPARE(ids_under(model, model.index_of(1)), (QList<quint64>{2, 4}));
        QCOMPARE(ids_under(model, model.index_of(3)), (QList<quint64>{7}));
        QCOMPARE(ids_under(proxy, proxy.mapFromSource(model.index_of(5))), (QList<quint64>{6}));
        // A parent learnt late (the child was a root): the tree is rebuilt.
        model.set_stats(
            family({{1, 0, 0}, {2, 1, 0}, {3, 2, 0}, {4, 1, 0}, {5, 1, 0}, {6, 5, 0}, {7, 3, 0}}),
            nullptr);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(ids_under(model, model.index_of(1)), (QList<quint64>{2, 4, 5}));
    }
};

QTEST_MAIN(TestTaskTableModel)
#include "test_task_table_model.moc"
