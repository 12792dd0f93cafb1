// StateAtStep: each task's state at a rewind cursor equals what the
// statistics of the events before the cursor alone say (a model and
// compute_stats() built from that prefix, the live run's way), at every step
// of a select-like trace (virtual time: many events at one instant) and of a
// synthetic multi-thread trace; the steps skip names and worker starts; a
// cursor move names the tasks it can change.
#include "duration_text.h"
#include "state_at_step.h"
#include "stats.h"
#include "synthetic.h"
#include "timeline_model.h"

#include <QtTest>

#include <algorithm>

using namespace pollscope;
using namespace pollscope::trace;

namespace {

Event ev(std::int64_t ts, EventKind kind, std::uint32_t task, std::uint32_t arg = 0,
         std::uint8_t flag = 0, std::uint32_t arg2 = 0) {
    Event e;
    e.ts = ts;
    e.kind = kind;
    e.task = task;
    e.arg = arg;
    e.arg2 = arg2;
    e.flag = flag;
    return e;
}

/// select over three sleeps, on the virtual clock: main (1) spawns nothing,
/// awaits select; the timer wakes it at 1 s; task_3's branch is ready first
/// and the other two are dropped (cancelled). Tasks 2..4 stand for branches
/// polled as tasks, so each has a state of its own.
Trace select_like() {
    Trace t;
    t.threads.push_back({100, 0, 0});
    t.strings.push_back("main");
    const std::uint32_t name = 1;
    const auto pending = std::uint8_t(Outcome::Pending);
    const auto ready = std::uint8_t(Outcome::Ready);
    t.events = {
        ev(0, EventKind::WorkerStart, 0, 0),
        ev(0, EventKind::Spawn, 1),
        ev(0, EventKind::TaskName, 1, name),
        ev(0, EventKind::Spawn, 2, 1),
        ev(0, EventKind::Spawn, 3, 1),
        ev(0, EventKind::Spawn, 4, 1),
        ev(0, EventKind::PollStart, 1),
        ev(0, EventKind::Resource, 0, 7, std::uint8_t(ResourceKind::Sleep), 1000),
        ev(0, EventKind::PollEnd, 1, 0, pending, 7),
        ev(0, EventKind::PollStart, 2),
        ev(0, EventKind::PollEnd, 2, 0, pending, 7),
        ev(0, EventKind::PollStart, 3),
        ev(0, EventKind::PollEnd, 3, 0, pending, 7),
        ev(0, EventKind::PollStart, 4),
        ev(0, EventKind::PollEnd, 4, 0, pending, 7),
        ev(1000, EventKind::Wake, 4, 0, 1),
        ev(1000, EventKind::PollStart, 4),
        ev(1000, EventKind::Wake, 1, 4),
        ev(1000, EventKind::PollEnd, 4, 0, ready),
        ev(1000, EventKind::PollStart, 1),
        ev(1000, EventKind::Cancel, 2),
        ev(1000, EventKind::Cancel, 3),
        ev(1000, EventKind::PollEnd, 1, 0, ready),
    };
    return t;
}

/// The statistics of the first c events alone, as the live table had them.
TraceStats prefix_stats(const Trace& whole, std::size_t c, TimelineModel& prefix) {
    Trace t = whole;
    t.events.resize(c);
    prefix.load(t);
    return compute_stats(prefix);
}

/// Compares every task at cursor c with the prefix's statistics.
void compare_at(const Trace& whole, const TimelineModel& model, const StateAtStep& at,
                std::size_t c) {
    TimelineModel prefix;
    const TraceStats s = prefix_stats(whole, c, prefix);
    std::size_t seen = 0;
    for (const auto& lane : model.task_lanes()) {
        const TaskAtStep a = at.task_at(lane.key, c);
        seen += a.seen;
        const auto it = std::find_if(s.tasks.begin(), s.tasks.end(),
                                     [&](const TaskStats& x) { return x.id == lane.key; });
        const QByteArray where = QByteArray("cursor ") + QByteArray::number(qulonglong(c)) +
                                 " task " + QByteArray::number(lane.key);
        QVERIFY2(a.seen == (it != s.tasks.end()), where.constData());
        if (!a.seen)
            continue;
        QVERIFY2(a.state == it->state, (where + " state " + task_state_name(a.state).data() +
                                        " vs " + task_state_name(it->state).data())
                                           .constData());
        QVERIFY2(a.polls == it->polls, where.constData());
        QVERIFY2(a.wakes == it->wakes, where.constData());
        QVERIFY2(a.self_wakes == it->self_wakes, where.constData());
        // What an idle task waits on: its latest poll's, in either model.
        std::string then;
        if (it->state == TaskState::Idle) {
            const auto& pl = prefix.task_lanes()[std::size_t(prefix.task_lane(lane.key))];
            then = prefix.waits_on_text(pl.polls.back());
        }
        const std::string now =
            a.waiting_poll == kNoIndex ? std::string() : model.waits_on_text(a.waiting_poll);
        QVERIFY2(now == then,
                 (where + " waits on '" + now.c_str() + "' vs '" + then.c_str() + "'").constData());
    }
    QCOMPARE(seen, std::size_t(std::count_if(s.tasks.begin(), s.tasks.end(),
                                             [](const TaskStats& x) { return x.id != 0; })));
}

} // namespace

class TestStateAtStep : public QObject {
    Q_OBJECT
private slots:
    void select_states_at_every_step() {
        const Trace t = select_like();
        TimelineModel m;
        m.load(t);
        const StateAtStep at(m);
        QCOMPARE(at.events(), t.events.size());
        for (std::size_t s = 0; s <= at.steps(); ++s) {
            compare_at(t, m, at, at.cursor_of_step(s));
            if (QTest::currentTestFailed())
                return;
        }
        // What the steps read as: after the three branches' first polls all
        // wait on the sleep; task 4 is woken (scheduled), runs, is done; the
        // other two are dropped.
        const auto after = [&](EventKind k, std::uint32_t task, int nth = 1) {
            for (std::size_t i = 0; i < t.events.size(); ++i)
                if (t.events[i].kind == k && t.events[i].task == task && --nth == 0)
                    return i + 1;
            return std::size_t(0);
        };
        std::size_t c = after(EventKind::PollEnd, 4);
        QCOMPARE(at.task_at(4, c).state, TaskState::Idle);
        QCOMPARE(m.waits_on_text(at.task_at(4, c).waiting_poll),
                 "sleep until " + duration_text(1'000'000));
        c = after(EventKind::Wake, 4);
        QCOMPARE(at.task_at(4, c).state, TaskState::Scheduled);
        QCOMPARE(at.task_at(4, c).waiting_poll, kNoIndex);
        QCOMPARE(at.task_at(4, after(EventKind::PollStart, 4, 2)).state, TaskState::Running);
        QCOMPARE(at.task_at(4, after(EventKind::PollStart, 4, 2)).polls, std::uint64_t(2));
        QCOMPARE(at.task_at(4, at.events()).state, TaskState::Done);
        QCOMPARE(at.task_at(2, at.events()).state, TaskState::Cancelled);
        QCOMPARE(at.task_at(1, at.events()).state, TaskState::Done);
        QVERIFY(!at.task_at(3, after(EventKind::Spawn, 2)).seen);
        QVERIFY(at.task_at(3, after(EventKind::Spawn, 3)).seen);
        QCOMPARE(at.task_at(3, after(EventKind::Spawn, 3)).state, TaskState::Scheduled);
    }

    void steps_skip_names_and_worker_starts() {
        const Trace t = select_like();
        TimelineModel m;
        m.load(t);
        const StateAtStep at(m);
        // 23 events, of which a worker start and a name take no step.
        QCOMPARE(at.steps(), std::size_t(21));
        QCOMPARE(at.cursor_of_step(0), std::size_t(0));
        QCOMPARE(at.cursor_of_step(at.steps()), at.events());
        std::size_t c = 0, n = 0;
        while (c < at.events()) {
            const std::size_t d = at.next(c);
            QVERIFY(d > c);
            QCOMPARE(at.previous(d), c);
            QCOMPARE(at.step_of(d), at.step_of(c) + 1);
            // A cursor never stands before a name: the name is its spawn's.
            if (d < at.events())
                QVERIFY(t.events[d].kind != EventKind::TaskName);
            c = d;
            ++n;
        }
        QCOMPARE(n, at.steps());
        QCOMPARE(at.next(at.events()), at.events());
        QCOMPARE(at.previous(0), std::size_t(0));
        // Spawn of task 1 is at 1, its name at 2: cursor 2 is step 1's.
        QCOMPARE(at.snap(2), at.cursor_of_step(at.step_of(2)));
        QCOMPARE(at.cursor_at_time(t, 0), at.snap(15));
        QCOMPARE(at.cursor_at_time(t, -1), std::size_t(0));
        QCOMPARE(at.cursor_at_time(t, 5000), at.events());
    }

    void moves_name_the_tasks_they_change() {
        const Trace t = select_like();
        TimelineModel m;
        m.load(t);
        const StateAtStep at(m);
        for (std::size_t a = 0; a <= at.events(); ++a)
            for (std::size_t b = 0; b <= at.events(); ++b) {
                const auto changed = at.tasks_between(a, b);
                for (const auto& lane : m.task_lanes())
                    if (at.task_at(lane.key, a) != at.task_at(lane.key, b))
                        QVERIFY(std::count(changed.begin(), changed.end(), lane.key) == 1);
            }
    }

    void synthetic_states_at_every_step() {
        // Several threads, wakes from other tasks and threads, equal times.
        const Trace t = make_synthetic_trace(1500, 12, 3, 7);
        TimelineModel m;
        m.load(t);
        const StateAtStep at(m);
        for (std::size_t s = 0; s <= at.steps(); ++s) {
            compare_at(t, m, at, at.cursor_of_step(s));
            if (QTest::currentTestFailed())
                return;
        }
    }
};

QTEST_APPLESS_MAIN(TestStateAtStep)
#include "test_state_at_step.moc"
