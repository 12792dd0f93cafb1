// A big store's resource lanes come from a background job (BackgroundJob):
// the view shows none until the job hands them over, then exactly what
// trace::resource_timelines computes; a small store's are there at once;
// stopping the job (before the store changes) drops its result and frees
// the store's lock.
#include "resource_timeline.h"
#include "run_until.h"
#include "step_axis.h"
#include "timeline_view.h"
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

void check_same_lanes(const std::vector<trace::ResourceTimeline>& got,
                      const std::vector<trace::ResourceTimeline>& want) {
    QCOMPARE(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].row.name, want[i].row.name);
        QVERIFY(got[i].waits == want[i].waits);
        QCOMPARE(got[i].waiters, want[i].waiters);
    }
}

} // namespace

class TestResourceLanesJob : public QObject {
    Q_OBJECT
private slots:
    void big_store_lanes_arrive_from_the_job() {
        TraceStore store;
        store.append(waiting_tasks(4, 3 * TimelineView::kBigStore));
        QVERIFY(store.trace().events.size() > TimelineView::kBigStore);
        const auto want = trace::resource_timelines(store);
        QCOMPARE(want.size(), std::size_t(4));
        QVERIFY(want[0].waits.size() > 1000);

        TimelineView view;
        QSignalSpy arrived(&view, &TimelineView::resource_lanes_changed);
        view.set_store(&store);
        // Asked for, not computed here: none yet, a job on it.
        QVERIFY(view.resource_timelines().empty());
        QVERIFY(view.resource_lanes_pending());
        QVERIFY(test::run_until([&] { return !view.resource_lanes_pending(); }));
        QCOMPARE(arrived.count(), 1);
        check_same_lanes(view.resource_timelines(), want);
        // Nothing changed: no second job.
        QVERIFY(!view.resource_lanes_pending());

        // The store grows (not live): the next ask starts another job, and
        // the lanes shown meanwhile are the last ones.
        store.append(waiting_tasks(4, 300));
        QCOMPARE(view.resource_timelines().size(), want.size());
        QVERIFY(view.resource_lanes_pending());
        QVERIFY(test::run_until([&] { return !view.resource_lanes_pending(); }));
        check_same_lanes(view.resource_timelines(), trace::resource_timelines(store));
        QVERIFY(view.resource_timelines()[0].waits.size() > want[0].waits.size());
    }

    void steps_store_lanes_arrive_from_the_job() {
        // The steps axis' store (StepsBuilder's) is never changed in place:
        // its lanes come from the job too.
        TraceStore real, steps;
        real.append(waiting_tasks(4, 3 * TimelineView::kBigStore));
        trace::StepAxis axis;
        steps.load(axis.build(real));
        TimelineView view;
        view.set_step_axis(&steps, &axis, &real);
        QVERIFY(view.resource_timelines().empty());
        QVERIFY(view.resource_lanes_pending());
        QVERIFY(test::run_until([&] { return !view.resource_lanes_pending(); }));
        check_same_lanes(view.resource_timelines(), trace::resource_timelines(steps));
        QCOMPARE(view.resource_timelines().size(), std::size_t(4));

        // Rebuilt steps (another store): the job on the old one is stopped
        // by set_step_axis, before the old store may go.
        TraceStore rebuilt;
        rebuilt.load(axis.build(real));
        view.set_step_axis(&rebuilt, &axis, &real);
        QVERIFY(view.resource_timelines().empty());
        QVERIFY(view.resource_lanes_pending());
        view.set_step_axis(&steps, &axis, &real);
        {
            const std::unique_lock lock(rebuilt.mutex(), std::try_to_lock);
            QVERIFY(lock.owns_lock());
        }
        QVERIFY(test::run_until([&] { return !view.resource_lanes_pending(); }));
        check_same_lanes(view.resource_timelines(), trace::resource_timelines(steps));
    }

    void small_store_lanes_are_there_at_once() {
        TraceStore store;
        store.append(waiting_tasks(3, 600));
        QVERIFY(store.trace().events.size() < TimelineView::kBigStore);
        TimelineView view;
        view.set_store(&store);
        check_same_lanes(view.resource_timelines(), trace::resource_timelines(store));
        QCOMPARE(view.resource_timelines().size(), std::size_t(3));
        QVERIFY(!view.resource_lanes_pending());
    }

    void stopped_job_hands_nothing_over_and_frees_the_store() {
        TraceStore store;
        store.append(waiting_tasks(4, 3 * TimelineView::kBigStore));
        TimelineView view;
        QSignalSpy arrived(&view, &TimelineView::resource_lanes_changed);
        view.set_store(&store);
        QVERIFY(view.resource_timelines().empty());
        QVERIFY(view.resource_lanes_pending());
        view.stop_resource_lanes();
        QVERIFY(!view.resource_lanes_pending());
        {
            // What the window's controller does next: change the store.
            const std::unique_lock lock(store.mutex(), std::try_to_lock);
            QVERIFY(lock.owns_lock());
            store.clear();
        }
        // Its hand-over timer went with it: nothing comes.
        QCoreApplication::processEvents();
        QCOMPARE(arrived.count(), 0);
        QVERIFY(view.resource_timelines().empty());
    }
};

QTEST_MAIN(TestResourceLanesJob)
#include "test_resource_lanes_job.moc"
