// QueueState: the scheduler's queues replayed from a trace's Enqueue, Steal,
// PollStart, Cancel and Sleep events: LIFO hand-off and the displaced task,
// the run queue, a steal of half the victim's queue, the injection queue and
// an overflow into it, the task channel, timer deadlines; and the same
// answer at every cursor whichever way the cursor moved there (forward,
// backward, from a checkpoint, on a trace that grew or got a late event).
#include "event_builder.h"
#include "queue_state.h"

#include <QtTest>

#include <algorithm>
#include <map>
#include <random>

using namespace pollscope;
using namespace pollscope::trace;

namespace {

using pollscope::test::ev;

Event enq(std::int64_t ts, std::uint32_t task, std::uint16_t thread, QueueKind q,
          std::uint32_t worker, std::uint32_t count = 0) {
    return ev(ts, EventKind::Enqueue, task, thread, worker, std::uint8_t(q), count);
}

/// Worker 0 (thread 0) spawns tasks 1..4: each goes into its LIFO slot and
/// pushes the one before to its run queue. Worker 1 (thread 1) steals half
/// (2 of 3: tasks 1 and 2, polls 2). A plain thread (2) wakes task 5 into the
/// injection queue; the executor thread (3) has a task channel.
Trace scenario() {
    Trace t;
    t.threads.push_back({10, 0, 0});
    t.threads.push_back({11, 1, 0});
    t.threads.push_back({12, -1, 0});
    t.threads.push_back({13, -1, 0});
    const auto pending = std::uint8_t(Outcome::Pending);
    t.events = {
        enq(1, 1, 0, QueueKind::LifoSlot, 0),   // 0
        enq(2, 2, 0, QueueKind::LifoSlot, 0),   // 1: 1 -> run queue
        enq(3, 3, 0, QueueKind::LifoSlot, 0),   // 2
        enq(4, 4, 0, QueueKind::LifoSlot, 0),   // 3: run queue 1 2 3
        ev(5, EventKind::Steal, 2, 1, 0, 0, 2), // 4: takes 1, 2
        ev(6, EventKind::PollStart, 2, 1),      // 5
        ev(6, EventKind::PollStart, 4, 0),      // 6: from the LIFO slot
        ev(7, EventKind::Resource, 0, 0, 9, std::uint8_t(ResourceKind::Sleep), 50), // 7
        ev(7, EventKind::PollEnd, 4, 0, 0, pending, 9),  // 8: sleeps to 50007
        enq(8, 5, 2, QueueKind::Injection, kNoWorker),   // 9
        enq(9, 6, 3, QueueKind::TaskChannel, kNoWorker), // 10
        ev(10, EventKind::PollStart, 6, 3),              // 11
        ev(11, EventKind::PollEnd, 2, 1, 0, pending),    // 12
        enq(12, 2, 1, QueueKind::RunQueue, 1),           // 13: a yield
        enq(13, 7, 0, QueueKind::LifoSlot, 0),           // 14
        enq(14, 8, 0, QueueKind::Overflow, 0, 2),        // 15: 3 and 8 move
        ev(15, EventKind::Cancel, 5, 2),                 // 16
    };
    return t;
}

std::vector<std::uint32_t> v(std::initializer_list<std::uint32_t> l) {
    return l;
}

} // namespace

class TestQueueState : public QObject {
    Q_OBJECT
private slots:
    void replays_each_kind_of_move() {
        const Trace t = scenario();
        QueueState qs;
        auto at = [&](std::size_t c) { return qs.at(t, c); };

        QueueSnapshot q = at(4);
        QCOMPARE(q.workers.size(), std::size_t(2));
        QCOMPARE(q.workers[0].lifo, 4u);
        QCOMPARE(q.workers[0].run_queue, v({1, 2, 3}));
        QCOMPARE(q.last.task, 4u);
        QCOMPARE(q.last.to, QueuePlace::LifoSlot);
        QCOMPARE(q.last.displaced, 3u);
        QCOMPARE(q.workers_with_tasks(), std::size_t(1));

        q = at(5); // the steal: 1 goes to worker 1's run queue, 2 is polled next
        QCOMPARE(q.workers[0].run_queue, v({3}));
        QCOMPARE(q.workers[1].run_queue, v({1}));
        QCOMPARE(q.steals, std::uint64_t(1));
        QCOMPARE(q.last.kind, EventKind::Steal);
        QCOMPARE(q.last.from_worker, 0);
        QCOMPARE(q.last.to_worker, 1);
        QCOMPARE(q.last.count, 2u);
        QCOMPARE(q.workers_with_tasks(), std::size_t(2));

        q = at(6);
        QCOMPARE(q.workers[1].polling, 2u);
        QCOMPARE(q.last.from, QueuePlace::Stolen);
        QCOMPARE(q.last.from_worker, 0);
        q = at(7);
        QCOMPARE(q.workers[0].polling, 4u);
        QCOMPARE(q.workers[0].lifo, 0u);
        QCOMPARE(q.last.from, QueuePlace::LifoSlot);

        q = at(9); // task 4 waits on its sleep
        QCOMPARE(q.workers[0].polling, 0u);
        QCOMPARE(q.timers.size(), std::size_t(1));
        QCOMPARE(q.timers[0].task, 4u);
        QCOMPARE(q.timers[0].deadline, std::int64_t(7 + 50'000));

        q = at(12);
        QCOMPARE(q.injection, v({5}));
        QCOMPARE(q.task_channel, v({}));
        QCOMPARE(q.other_polling.size(), std::size_t(1));
        QCOMPARE(q.other_polling[0].second, 6u);
        QCOMPARE(q.last.from, QueuePlace::TaskChannel);

        q = at(14);
        QCOMPARE(q.workers[1].run_queue, v({1, 2}));
        q = at(16); // overflow: the oldest (3) and the task (8) go to the injection queue
        QCOMPARE(q.workers[0].lifo, 7u);
        QCOMPARE(q.workers[0].run_queue, v({}));
        QCOMPARE(q.injection, v({5, 3, 8}));
        QCOMPARE(q.last.count, 2u);
        q = at(17);
        QCOMPARE(q.injection, v({3, 8}));
        QCOMPARE(q.last.kind, EventKind::Cancel);
        QCOMPARE(q.queue_events, std::uint64_t(10));
    }

    void same_state_whichever_way_the_cursor_came() {
        // A long random run of pushes, pops and steals over three workers,
        // with checkpoints: every cursor's snapshot from a fresh replay equals
        // the one reached by random jumps back and forth.
        Trace t;
        for (int w = 0; w < 3; ++w)
            t.threads.push_back({std::uint64_t(20 + w), w, 0});
        std::mt19937 rng(7);
        std::uint32_t next_task = 1;
        for (int i = 0; i < 20000; ++i) {
            const auto th = std::uint16_t(rng() % 3);
            const auto ts = std::int64_t(i);
            switch (rng() % 4) {
            case 0:
                t.events.push_back(enq(ts, next_task++, th, QueueKind::LifoSlot, th));
                break;
            case 1:
                t.events.push_back(enq(ts, next_task++, th, QueueKind::RunQueue, th));
                break;
            case 2:
                t.events.push_back(ev(ts, EventKind::PollStart, 1 + rng() % next_task, th));
                break;
            default:
                t.events.push_back(
                    ev(ts, EventKind::Steal, 1 + rng() % next_task, th, (th + 1) % 3, 0, 3));
                break;
            }
        }
        // The reference: one replay that only moves forward (no checkpoint used).
        std::vector<std::size_t> cursors;
        for (int k = 0; k < 300; ++k)
            cursors.push_back(rng() % (t.events.size() + 1));
        std::vector<std::size_t> sorted = cursors;
        std::sort(sorted.begin(), sorted.end());
        std::map<std::size_t, QueueSnapshot> reference;
        QueueState forward;
        for (const std::size_t c : sorted)
            reference[c] = forward.at(t, c);
        QueueState jumping;
        for (const std::size_t c : cursors)
            QCOMPARE(jumping.at(t, c), reference[c]);
        // A trace that grows, and one that gets a late event in the middle.
        Trace grown = t;
        QueueState live;
        Trace part = t;
        part.events.resize(12000);
        (void)live.at(part, part.events.size());
        QCOMPARE(live.at(grown, grown.events.size()), QueueState().at(grown, grown.events.size()));
        grown.events.insert(grown.events.begin() + 5000,
                            enq(4999, 999999, 1, QueueKind::Injection, kNoWorker));
        QCOMPARE(live.at(grown, grown.events.size()), QueueState().at(grown, grown.events.size()));
        QCOMPARE(live.at(grown, 6000), QueueState().at(grown, 6000));
    }
};

QTEST_GUILESS_MAIN(TestQueueState)
#include "test_queue_state.moc"
