// TaskTableModel: QAbstractItemModelTester (behind a proxy too), rows from
// statistics, incremental growth, what an idle task waits on (and the event
// log's text for it).
#include "event_log_model.h"
#include "recorder.h"
#include "resource.h"
#include "synthetic.h"
#include "task_sort_proxy.h"
#include "task_table_model.h"
#include "trace_store.h"

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QtTest>

using namespace pollscope;
using namespace pollscope::app;

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
};

QTEST_MAIN(TestTaskTableModel)
#include "test_task_table_model.moc"
