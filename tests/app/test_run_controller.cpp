// RunController on its own (no window): a run to its
// end shows every event and the final statistics; Step lets exactly N polls
// pass and the pump announces what they added and their statistics; Reset
// drops the run, also right after a Step on the virtual clock; Run pressed
// while a reset run stops is queued and done;
// pause/resume; Shutdown; a replaced store is not overwritten by the run it
// replaced; no example, no run. Waits run the event loop until real state says
// the awaited thing happened (run_until).
#include "example_catalog.h"
#include "example_runner.h"
#include "run_controller.h"
#include "run_until.h"
#include "stats.h"
#include "step_gate.h"
#include "synthetic.h"
#include "trace_store.h"

#include <QSignalSpy>
#include <QTimer>
#include <QtTest>

using namespace pollscope;
using namespace pollscope::app;

namespace {

using Start = RunController::Start;

/// Runs `id` with its default knobs, on the virtual clock unless `real`.
RunController::RequestSource example(const char* id, bool real = false) {
    return [id, real] {
        RunController::Request r;
        r.example = find_example(QString::fromLatin1(id));
        if (r.example) {
            r.knobs = examples::default_knobs(*r.example);
            r.knobs[QStringLiteral("virtual_time")] = real ? 0 : 1;
        }
        return r;
    };
}

std::size_t count_kind(const TraceStore& s, trace::EventKind k) {
    std::size_t n = 0;
    for (const auto& e : s.trace().events)
        n += e.kind == k;
    return n;
}

std::uint64_t total_polls(const trace::TraceStats& stats) {
    std::uint64_t n = 0;
    for (const auto& t : stats.tasks)
        n += t.polls;
    return n;
}

} // namespace

class TestRunController : public QObject {
    Q_OBJECT
private slots:
    void run_to_the_end_shows_everything() {
        RunController c(example("spawn"));
        QSignalSpy starting(&c, &RunController::starting);
        QSignalSpy fed(&c, &RunController::fed);
        QSignalSpy done(&c, &RunController::run_finished);
        QCOMPARE(c.run(), Start::Started);
        QCOMPARE(starting.count(), 1);
        QVERIFY(test::run_until([&] { return done.count() == 1; }));
        QVERIFY(done.first().at(2).toBool()); // shown
        QVERIFY(!c.running());
        QVERIFY(fed.count() >= 1);
        const auto& s = c.store();
        QVERIFY(s.task_lanes().size() > 1);
        for (const auto& p : s.polls())
            QVERIFY(!p.open());
        QCOMPARE(s.polls().size(), count_kind(s, trace::EventKind::PollStart));
        QVERIFY(s.trace().virtual_time);
        // The final statistics: every drained poll, of every task.
        const auto stats = c.stats_now();
        QCOMPARE(total_polls(stats), std::uint64_t(s.polls().size()));
    }

    void step_lets_exactly_n_polls_pass() {
        RunController c(example("spawn"));
        QSignalSpy blocked(&c, &RunController::blocked);
        QSignalSpy stats(&c, &RunController::stats_ready);
        QCOMPARE(c.step(1), Start::Started);
        auto* gate = c.runner()->state()->gate.get();
        QVERIFY(test::run_until([&] { return gate->passed() == 1 && !blocked.isEmpty(); }));
        // blocked comes after the store holds everything before the stop:
        // the one poll, and the task waiting at the gate is a spawned one.
        QCOMPARE(count_kind(c.store(), trace::EventKind::PollStart), std::size_t(1));
        const auto spawned = [&](std::uint32_t task) {
            for (const auto& e : c.store().trace().events)
                if (e.kind == trace::EventKind::Spawn && e.task == task)
                    return true;
            return false;
        };
        QVERIFY(spawned(blocked.last().at(0).toUInt()));
        // Several workers may reach the gate one after another: each is
        // announced, so the last announcement names the latest waiter.
        QVERIFY(test::run_until([&] {
            return quint64(blocked.last().at(0).toUInt()) == quint64(gate->waiting_task());
        }));
        QCOMPARE(c.step(2), Start::Resumed);
        QVERIFY(test::run_until([&] { return gate->passed() == 3 && gate->waiting() >= 1; }));
        c.drain_now();
        QCOMPARE(count_kind(c.store(), trace::EventKind::PollStart), std::size_t(3));
        // The pump asks for statistics of what was fed and announces them.
        QVERIFY(test::run_until([&] {
            return !stats.isEmpty() &&
                   total_polls(stats.last().at(0).value<trace::TraceStats>()) == 3;
        }));
        QVERIFY(c.running());
        QVERIFY(c.paused());
        QVERIFY(!c.can_pause());

        // Run: the rest, to the end, all shown.
        QSignalSpy done(&c, &RunController::run_finished);
        QCOMPARE(c.run(), Start::Resumed);
        QVERIFY(test::run_until([&] { return done.count() == 1; }));
        QVERIFY(done.first().at(2).toBool());
        QVERIFY(gate->passed() > 3);
        QCOMPARE(std::uint64_t(c.store().polls().size()), gate->passed());
    }

    void run_while_stopping_is_queued() {
        RunController c(example("event-loop", true));
        QSignalSpy blocked(&c, &RunController::blocked);
        QSignalSpy queued(&c, &RunController::queued_done);
        QSignalSpy errors(&c, &RunController::error_reported);
        QCOMPARE(c.step(1), Start::Started);
        QVERIFY(test::run_until([&] { return !blocked.isEmpty(); }));
        // Reset: the store is empty at once, the stopped run's end shows nothing.
        QSignalSpy done(&c, &RunController::run_finished);
        c.reset();
        QVERIFY(c.store().empty());
        const bool stopping = c.stopping();
        const Start s = c.run();
        // (The stopped run may already be gone: then it starts at once.)
        QCOMPARE(s, stopping ? Start::Queued : Start::Started);
        // (A stopped run that ended before run() and was replaced by the new
        // one is not reported: the runner drops an old run's end.)
        if (s == Start::Queued) {
            QVERIFY(test::run_until([&] { return !done.isEmpty(); }));
            QVERIFY(!done.first().at(2).toBool());
            QVERIFY(test::run_until([&] { return queued.count() == 1; }));
            QCOMPARE(queued.first().at(0).value<Start>(), Start::Started);
            QCOMPARE(queued.first().at(1).toInt(), 0); // a Run, not a Step
        }
        QVERIFY(c.running() && !c.stopping() && !c.paused());
        QCOMPARE(errors.count(), 0);
        done.clear();
        QVERIFY(test::run_until([&] { return c.shutdown(); }));
        QVERIFY(test::run_until([&] { return done.count() == 1; }));
        QVERIFY(done.first().at(2).toBool());
        QVERIFY2(done.first().at(1).toString().contains(QLatin1String("10 received")),
                 qPrintable(done.first().at(1).toString()));
        QCOMPARE(count_kind(c.store(), trace::EventKind::Shutdown), std::size_t(1));
    }

    void reset_right_after_step_ends_the_run_data() {
        // (Each a few times: the hang it guards against came in about one of
        // two tries. Not stream: its default run is a single poll.)
        QTest::addColumn<QString>("id");
        for (const char* id : {"spawn", "join", "select", "timer-future", "executor", "event-loop"})
            for (int i = 0; i < 3; ++i)
                QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(id).arg(i)))
                    << QString::fromLatin1(id);
    }
    void reset_right_after_step_ends_the_run() {
        // On the virtual clock: the stopped run's workers must all end
        // (test_virtual_shutdown has the runtime's side of it).
        QFETCH(QString, id);
        const QByteArray name = id.toLatin1();
        RunController c(example(name.constData()));
        QSignalSpy blocked(&c, &RunController::blocked);
        QCOMPARE(c.step(1), Start::Started);
        QVERIFY(test::run_until([&] { return !blocked.isEmpty(); }));
        c.reset();
        QVERIFY(test::run_until([&] { return !c.running(); }, 10000));
    }

    void pause_and_resume() {
        RunController c(example("event-loop", true));
        QSignalSpy state(&c, &RunController::state_changed);
        QCOMPARE(c.run(), Start::Started);
        QVERIFY(c.can_pause());
        const int before = state.count();
        QVERIFY(c.pause());
        QVERIFY(c.paused());
        QVERIFY(!c.can_pause());
        QVERIFY(state.count() > before);
        QCOMPARE(c.run(), Start::Resumed);
        QVERIFY(!c.paused());
        QVERIFY(c.can_pause());
        QSignalSpy done(&c, &RunController::run_finished);
        // Delivered once the example has set up its shutdown broadcast.
        QVERIFY(test::run_until([&] { return c.shutdown(); }));
        QVERIFY(test::run_until([&] { return done.count() == 1; }));
        QVERIFY(!c.pause()); // no run to pause
    }

    void shutdown_needs_a_signal() {
        RunController c(example("spawn"));
        QSignalSpy blocked(&c, &RunController::blocked);
        QCOMPARE(c.step(1), Start::Started);
        QVERIFY(test::run_until([&] { return !blocked.isEmpty(); }));
        QVERIFY(!c.shutdown()); // spawn has no shutdown broadcast
        QSignalSpy done(&c, &RunController::run_finished);
        QCOMPARE(c.run(), Start::Resumed);
        QVERIFY(test::run_until([&] { return done.count() == 1; }));
        QVERIFY(done.first().at(2).toBool());
    }

    void replaced_store_is_kept() {
        RunController c(example("event-loop", true));
        QSignalSpy fed(&c, &RunController::fed);
        QSignalSpy done(&c, &RunController::run_finished);
        QCOMPARE(c.run(), Start::Started);
        QVERIFY(test::run_until([&] { return !fed.isEmpty(); }));
        TraceStore loaded;
        loaded.load(trace::make_synthetic_trace(500, 5, 2));
        const auto events = loaded.trace().events.size();
        c.replace_store(std::move(loaded));
        QCOMPARE(c.store().trace().events.size(), events);
        QVERIFY(test::run_until([&] { return done.count() == 1; }));
        QVERIFY(!done.first().at(2).toBool());
        c.drain_now(); // the dropped run's events stay out
        QCOMPARE(c.store().trace().events.size(), events);
        QVERIFY(!c.running());
    }

    void no_example_starts_nothing() {
        RunController c([] { return RunController::Request{}; });
        QSignalSpy starting(&c, &RunController::starting);
        QCOMPARE(c.run(), Start::Nothing);
        QCOMPARE(c.step(1), Start::Nothing);
        QCOMPARE(starting.count(), 0);
        QVERIFY(!c.running());
        QVERIFY(!c.shutdown());
        QVERIFY(!c.send_events(1));
    }
};

QTEST_MAIN(TestRunController)
#include "test_run_controller.moc"
