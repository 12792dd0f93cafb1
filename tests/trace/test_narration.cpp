// Narration: the line of each kind of transition, in the article's terms:
// who polls whom and what a Pending poll waits on, who calls wake() and
// whether that sends the task back into the task channel, spawns, drops,
// failures.
#include "event_builder.h"
#include "narration.h"
#include "timeline_model.h"

#include <QtTest>

using namespace pollscope;
using namespace pollscope::trace;

namespace {

using pollscope::test::ev;

/// The seed's hand-built executor: main spawns task 1 into the task channel,
/// the executor (thread 0) takes and polls it, it waits on the TimerFuture
/// thread (thread 1), which calls wake(): the task goes back into the
/// channel; then a select-like end: task 1 spawns task 2 and drops it, task
/// 3 fails.
Trace executor_like() {
    Trace t;
    t.strings = {"", "executor", "timer", "task_a", "boom"};
    t.threads.push_back({100, 0, 1});  // worker 0 ("executor 0")
    t.threads.push_back({101, -1, 2}); // the timer thread
    const auto pending = std::uint8_t(Outcome::Pending);
    const auto ready = std::uint8_t(Outcome::Ready);
    const auto failed = std::uint8_t(Outcome::Failed);
    const auto queue = std::uint8_t(3);
    t.events = {
        ev(0, EventKind::Spawn, 1, 1),                                                // 0
        ev(0, EventKind::TaskName, 1, 1, 3),                                          // 1
        ev(0, EventKind::ChannelSend, 0, 1, 5, queue),                                // 2
        ev(1, EventKind::ChannelRecv, 0, 0, 5, queue),                                // 3
        ev(1, EventKind::PollStart, 1, 0),                                            // 4
        ev(2, EventKind::Resource, 0, 0, 9, std::uint8_t(ResourceKind::TimerFuture)), // 5
        ev(2, EventKind::PollEnd, 1, 0, 0, pending, 9),                               // 6
        ev(50, EventKind::Wake, 1, 1, 0),                                             // 7
        ev(50, EventKind::ChannelSend, 0, 1, 5, queue),                               // 8
        ev(51, EventKind::ChannelRecv, 0, 0, 5, queue),                               // 9
        ev(51, EventKind::PollStart, 1, 0),                                           // 10
        ev(52, EventKind::Spawn, 2, 0, 1),                                            // 11
        ev(52, EventKind::Cancel, 2, 0),                                              // 12
        ev(53, EventKind::PollEnd, 1, 0, 0, ready),                                   // 13
        ev(54, EventKind::Spawn, 3, 0),                                               // 14
        ev(55, EventKind::PollStart, 3, 0),                                           // 15
        ev(55, EventKind::Wake, 3, 0, 3),                                             // 16
        ev(56, EventKind::PollEnd, 3, 0, 0, failed),                                  // 17
        ev(56, EventKind::Fail, 3, 0, 4),                                             // 18
    };
    return t;
}

} // namespace

class TestNarration : public QObject {
    Q_OBJECT
private slots:
    void each_transition_has_its_line() {
        TimelineModel m;
        m.load(executor_like());
        const auto line = [&](std::size_t i) { return QString::fromStdString(narrate(m, i)); };
        QCOMPARE(line(0),
                 QStringLiteral("timer spawns task_a #1: it is scheduled for its first poll"));
        QCOMPARE(line(2), QStringLiteral("timer sends a task into the task channel"));
        QCOMPARE(line(3), QStringLiteral("executor 0 takes a task from the task channel"));
        QCOMPARE(line(4), QStringLiteral("executor 0 polls task_a #1"));
        QCOMPARE(
            line(6),
            QStringLiteral("executor 0 polls task_a #1: Pending, waiting on TimerFuture thread"));
        // The TimerFuture thread's wake sends the task back into the channel.
        QCOMPARE(line(7), QStringLiteral("timer calls wake(): task_a #1 is sent back into the task "
                                         "channel"));
        QCOMPARE(line(11),
                 QStringLiteral("task_a #1 spawns task 2: it is scheduled for its first poll"));
        QCOMPARE(line(12), QStringLiteral("task 2 is dropped before it finished (cancelled)"));
        QCOMPARE(line(13), QStringLiteral("executor 0 polls task_a #1: Ready, the task is done"));
        QCOMPARE(line(16),
                 QStringLiteral("task 3 calls wake() on itself: it will be polled again"));
        QCOMPARE(line(17), QStringLiteral("executor 0 polls task 3: Failed, the task threw"));
        QCOMPARE(line(18), QStringLiteral("task 3 fails: boom"));
        QCOMPARE(line(19), QString());
        // Every event has a line.
        for (std::size_t i = 0; i < m.trace().events.size(); ++i)
            QVERIFY2(!line(i).isEmpty(), qPrintable(QString::number(i)));
    }

    void a_wake_without_a_channel_send_schedules() {
        // On the work-stealing runtime (no task channel) a wake schedules.
        Trace t = executor_like();
        t.events.erase(t.events.begin() + 8); // the send after the wake
        TimelineModel m;
        m.load(t);
        QCOMPARE(QString::fromStdString(narrate(m, 7)),
                 QStringLiteral("timer calls wake(): task_a #1 is scheduled to be polled again"));
    }

    void queue_moves_have_their_lines() {
        // Worker 2 (thread 0 is "executor 0": use a worker thread named plainly).
        Trace t;
        t.threads.push_back({100, 2, 0});
        const auto q = [](QueueKind k) { return std::uint8_t(k); };
        t.events = {
            ev(0, EventKind::Spawn, 4, 0),
            ev(0, EventKind::Enqueue, 4, 0, 1, q(QueueKind::LifoSlot)),
            ev(1, EventKind::Enqueue, 4, 0, 1, q(QueueKind::RunQueue)),
            ev(2, EventKind::Enqueue, 7, 0, kNoWorker, q(QueueKind::Injection)),
            ev(3, EventKind::Enqueue, 7, 0, kNoWorker, q(QueueKind::TaskChannel)),
            ev(4, EventKind::Enqueue, 7, 0, 1, q(QueueKind::Overflow), 129),
            ev(5, EventKind::Steal, 5, 0, 0, 0, 3),
            ev(6, EventKind::Steal, 5, 0, 1, 0, 1),
        };
        TimelineModel m;
        m.load(t);
        const auto line = [&](std::size_t i) { return QString::fromStdString(narrate(m, i)); };
        QCOMPARE(line(1), QStringLiteral("task 4 goes into worker 1's LIFO slot: it is polled "
                                         "next there"));
        QCOMPARE(line(2), QStringLiteral("task 4 is pushed onto the back of worker 1's run queue"));
        QCOMPARE(line(3), QStringLiteral("task 7 is pushed onto the injection queue"));
        QCOMPARE(line(4), QStringLiteral("task 7 is sent into the task channel"));
        QCOMPARE(line(5), QStringLiteral("worker 1's run queue is full: task 7 and its 128 tasks "
                                         "queued longest move to the injection queue"));
        QCOMPARE(line(6), QStringLiteral("worker 2 steals 3 tasks from worker 0's run queue and "
                                         "polls task 5 next"));
        QCOMPARE(line(7), QStringLiteral("worker 2 steals 1 task from worker 1's run queue and "
                                         "polls task 5 next"));
    }
};

QTEST_APPLESS_MAIN(TestNarration)
#include "test_narration.moc"
