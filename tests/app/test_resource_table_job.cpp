// The Resources tab's rows of a big store come from a background job
// (BackgroundJob, as the timeline's resource lanes): until it hands them
// over the table shows the last rows, then exactly what trace::resource_rows
// computes, with their shown texts; a small store's are there at once;
// another store replaces the job; stopping it drops its result, clears the
// rows and frees the store's lock.
#include "resource_table.h"
#include "resource_table_model.h"
#include "run_until.h"
#include "trace_store.h"
#include "waiting_tasks.h"

#include <QSignalSpy>
#include <QtTest>

#include <mutex>
#include <shared_mutex>

using namespace pollscope;
using namespace pollscope::app;
using test::waiting_tasks;

namespace {

/// The model shows exactly `want`: each row's resource, counts, tasks, and
/// its shown task list names those tasks.
void check_rows(const ResourceTableModel& model, const std::vector<trace::ResourceRow>& want,
                const TraceStore& store) {
    const auto& got = model.rows();
    QCOMPARE(got.size(), want.size());
    QCOMPARE(model.rowCount(), int(want.size()));
    for (std::size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].id, want[i].id);
        QCOMPARE(got[i].name, want[i].name);
        QCOMPARE(got[i].waits, want[i].waits);
        QCOMPARE(got[i].wait_ns, want[i].wait_ns);
        QCOMPARE(got[i].waiters_now, want[i].waiters_now);
        QCOMPARE(got[i].tasks, want[i].tasks);
        QCOMPARE(model.data(model.index(int(i), ResourceTableModel::Tasks)).toString(),
                 store.task_label(want[i].tasks.front()));
    }
}

} // namespace

class TestResourceTableJob : public QObject {
    Q_OBJECT
private slots:
    void big_store_rows_arrive_from_the_job() {
        TraceStore store;
        store.append(waiting_tasks(4, 3 * kBackgroundEvents));
        QVERIFY(store.trace().events.size() > kBackgroundEvents);
        const auto want = trace::resource_rows(store);
        QCOMPARE(want.size(), std::size_t(4));
        QVERIFY(want[0].waits > 1000);

        ResourceTableModel model;
        QSignalSpy arrived(&model, &ResourceTableModel::rows_arrived);
        model.refresh(store);
        // Asked for, not computed here: none yet, a job on it.
        QVERIFY(model.rows().empty());
        QVERIFY(model.pending());
        QVERIFY(test::run_until([&] { return !model.pending(); }));
        QCOMPARE(arrived.count(), 1);
        check_rows(model, want, store);
        // Nothing changed: no second job.
        model.refresh(store);
        QVERIFY(!model.pending());

        // The store grows: another job, and meanwhile the last rows.
        store.append(waiting_tasks(4, 300));
        model.refresh(store);
        QVERIFY(model.pending());
        QCOMPARE(model.rows().size(), want.size());
        QCOMPARE(model.rows()[0].waits, want[0].waits);
        // Asked again while it runs: the same job.
        model.refresh(store);
        QVERIFY(test::run_until([&] { return !model.pending(); }));
        QCOMPARE(arrived.count(), 2);
        check_rows(model, trace::resource_rows(store), store);
        QVERIFY(model.rows()[0].waits > want[0].waits);
    }

    void small_store_rows_are_there_at_once() {
        TraceStore store;
        store.append(waiting_tasks(3, 600));
        QVERIFY(store.trace().events.size() <= kBackgroundEvents);
        ResourceTableModel model;
        model.refresh(store);
        QVERIFY(!model.pending());
        check_rows(model, trace::resource_rows(store), store);
        QCOMPARE(model.rows().size(), std::size_t(3));
    }

    void another_store_replaces_the_job() {
        TraceStore a, b;
        a.append(waiting_tasks(4, 3 * kBackgroundEvents));
        b.append(waiting_tasks(6, 2 * kBackgroundEvents));
        ResourceTableModel model;
        QSignalSpy arrived(&model, &ResourceTableModel::rows_arrived);
        model.refresh(a);
        QVERIFY(model.pending());
        model.refresh(b);
        QVERIFY(model.pending());
        {
            // A's job is gone: nothing holds its lock.
            const std::unique_lock lock(a.mutex(), std::try_to_lock);
            QVERIFY(lock.owns_lock());
        }
        QVERIFY(test::run_until([&] { return !model.pending(); }));
        QCOMPARE(arrived.count(), 1);
        check_rows(model, trace::resource_rows(b), b);
        QCOMPARE(model.rows().size(), std::size_t(6));
    }

    void stopped_job_hands_nothing_over_and_frees_the_store() {
        TraceStore store;
        store.append(waiting_tasks(4, 3 * kBackgroundEvents));
        ResourceTableModel model;
        QSignalSpy arrived(&model, &ResourceTableModel::rows_arrived);
        model.refresh(store);
        QVERIFY(test::run_until([&] { return !model.pending(); }));
        QCOMPARE(model.rows().size(), std::size_t(4));
        store.append(waiting_tasks(4, 300));
        model.refresh(store);
        QVERIFY(model.pending());
        model.stop();
        QVERIFY(!model.pending());
        // The store is about to change: the old rows go too.
        QCOMPARE(model.rowCount(), 0);
        {
            // What the window's controller does next: change the store.
            const std::unique_lock lock(store.mutex(), std::try_to_lock);
            QVERIFY(lock.owns_lock());
            store.clear();
        }
        // Its hand-over timer went with it: nothing comes.
        QCoreApplication::processEvents();
        QCOMPARE(arrived.count(), 1);
        QCOMPARE(model.rowCount(), 0);
    }

    void live_big_store_waits_for_a_tenth_of_growth() {
        TraceStore store;
        store.append(waiting_tasks(4, 3 * kBackgroundEvents));
        ResourceTableModel model;
        const std::int64_t now = store.end_ts() + 100;
        model.refresh(store, now);
        QVERIFY(test::run_until([&] { return !model.pending(); }));
        const auto shown = model.rows()[0].waits;
        // A little more: the same rows, no job.
        store.append(waiting_tasks(4, 300));
        model.refresh(store, store.end_ts() + 100);
        QVERIFY(!model.pending());
        QCOMPARE(model.rows()[0].waits, shown);
        // The run ends (now -1): computed again.
        model.refresh(store);
        QVERIFY(model.pending());
        QVERIFY(test::run_until([&] { return !model.pending(); }));
        check_rows(model, trace::resource_rows(store), store);
    }
};

QTEST_MAIN(TestResourceTableJob)
#include "test_resource_table_job.moc"
