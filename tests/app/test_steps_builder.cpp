// The steps axis of a big store comes from a background job (StepsBuilder,
// a BackgroundJob as the timeline's resource lanes): none until the job
// hands it over, then exactly what trace::StepAxis builds; while the store
// grows, the last steps meanwhile; a small store's are there at once; a
// store of more than kMaxEvents has none; stopping the job (before the
// store changes) drops its result, frees the store's lock, and the old
// trace's steps are not offered again.
#include "run_until.h"
#include "step_axis.h"
#include "steps_builder.h"
#include "trace_store.h"
#include "waiting_tasks.h"

#include <QtTest>

#include <mutex>
#include <shared_mutex>

using namespace pollscope;
using namespace pollscope::app;
using test::waiting_tasks;

namespace {

/// `got` is the step model StepAxis builds from `store`.
void check_steps(const StepsBuilder::Steps& got, const TraceStore& store) {
    trace::StepAxis axis;
    const trace::Trace want = axis.build(store);
    const auto& ev = got.store.trace().events;
    QCOMPARE(ev.size(), want.events.size());
    for (std::size_t i = 0; i < ev.size(); ++i) {
        QCOMPARE(ev[i].ts, want.events[i].ts);
        QCOMPARE(ev[i].task, want.events[i].task);
        QVERIFY(ev[i].kind == want.events[i].kind);
    }
    QCOMPARE(got.store.polls().size(), store.polls().size());
    QCOMPARE(got.axis.breaks().size(), axis.breaks().size());
    for (std::int64_t x = 0; x < got.store.end_ts(); x += got.store.end_ts() / 97 + 1)
        QCOMPARE(got.axis.real_time(x), axis.real_time(x));
}

} // namespace

class TestStepsBuilder : public QObject {
    Q_OBJECT
private slots:
    void big_store_steps_arrive_from_the_job() {
        TraceStore store;
        store.append(waiting_tasks(4, 3 * kBackgroundEvents));
        QObject context;
        int arrived = 0;
        StepsBuilder steps(&context, [&] { ++arrived; });
        // Asked for, not built here: none yet, a job on it.
        QVERIFY(steps.update(store) == nullptr);
        QVERIFY(steps.pending());
        QVERIFY(test::run_until([&] { return !steps.pending(); }));
        QCOMPARE(arrived, 1);
        const auto* first = steps.update(store);
        QVERIFY(first);
        QVERIFY(!steps.pending()); // nothing changed: no second job
        check_steps(*first, store);
        const auto first_events = first->store.trace().events.size();

        // The store grows: another job, and the last steps meanwhile.
        store.append(waiting_tasks(4, 300));
        QCOMPARE(steps.update(store), first);
        QVERIFY(steps.pending());
        QCOMPARE(steps.update(store), first); // asked again: the same job
        QVERIFY(test::run_until([&] { return !steps.pending(); }));
        QCOMPARE(arrived, 2);
        const auto* second = steps.update(store);
        QVERIFY(second && second != first);
        QVERIFY(second->store.trace().events.size() > first_events);
        check_steps(*second, store);
    }

    void small_store_steps_are_there_at_once() {
        TraceStore store;
        store.append(waiting_tasks(3, 600));
        QObject context;
        StepsBuilder steps(&context, [] {});
        const auto* s = steps.update(store);
        QVERIFY(s);
        QVERIFY(!steps.pending());
        check_steps(*s, store);
    }

    void too_many_events_have_no_steps() {
        TraceStore store;
        store.append(waiting_tasks(2, StepsBuilder::kMaxEvents + 10));
        QVERIFY(!StepsBuilder::fits(store.trace().events.size()));
        QObject context;
        StepsBuilder steps(&context, [] {});
        QVERIFY(steps.update(store) == nullptr);
        QVERIFY(!steps.pending());
    }

    void stopped_job_hands_nothing_over_and_frees_the_store() {
        TraceStore store;
        store.append(waiting_tasks(4, 3 * kBackgroundEvents));
        QObject context;
        int arrived = 0;
        StepsBuilder steps(&context, [&] { ++arrived; });
        QVERIFY(steps.update(store) == nullptr);
        QVERIFY(test::run_until([&] { return !steps.pending(); }));
        QVERIFY(steps.update(store));
        store.append(waiting_tasks(4, 300));
        steps.update(store);
        QVERIFY(steps.pending());
        steps.stop();
        QVERIFY(!steps.pending());
        {
            // What the window's controller does next: change the store.
            const std::unique_lock lock(store.mutex(), std::try_to_lock);
            QVERIFY(lock.owns_lock());
            store.clear();
            store.append(waiting_tasks(5, 2 * kBackgroundEvents));
        }
        QCoreApplication::processEvents();
        QCOMPARE(arrived, 1);
        // The old trace's steps are not this one's: none until built.
        QVERIFY(steps.update(store) == nullptr);
        QVERIFY(test::run_until([&] { return !steps.pending(); }));
        QCOMPARE(arrived, 2);
        const auto* s = steps.update(store);
        QVERIFY(s);
        check_steps(*s, store);
    }
};

QTEST_MAIN(TestStepsBuilder)
#include "test_steps_builder.moc"
