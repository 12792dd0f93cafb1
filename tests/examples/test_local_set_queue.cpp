// A LocalSet's queue of ready tasks, replayed from its Enqueue events
// (queue_state.h): at every step of the local-set example (both clocks) and
// of a run that queues three local tasks at once, the replayed queue is what
// the set held by its rules: a spawn_local or a wake puts the task at the
// back, the set polls its front first (FIFO), and a local task is polled only
// after it was queued, once per queueing.
#include "local_set.h"
#include "queue_state.h"
#include "record_trace.h"
#include "record_virtual.h"
#include "recorder.h"
#include "runtime.h"
#include "time_driver.h"
#include "timeline_model.h"

#include <QtTest>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

using namespace pollscope;
using namespace pollscope::trace;

namespace {

bool local_enqueue(const Event& e) {
    return e.kind == EventKind::Enqueue && e.flag == std::uint8_t(QueueKind::LocalSet);
}

struct Checked {
    std::map<std::uint32_t, int> enqueues, polls; // per local task
    std::size_t most_queued = 0;
};

/// Replays `t` step by step and checks the LocalSet's queue at every step
/// against the set's rules.
Checked check_fifo(const Trace& t) {
    std::set<std::uint32_t> local;
    for (const Event& e : t.events)
        if (local_enqueue(e))
            local.insert(e.task);
    Checked out;
    QueueState qs;
    std::deque<std::uint32_t> held; // what the set holds, by its rules
    for (std::size_t c = 1; c <= t.events.size(); ++c) {
        const Event& e = t.events[c - 1];
        if (local_enqueue(e)) {
            // Queued once: a task is never in the set's queue twice.
            if (std::find(held.begin(), held.end(), e.task) != held.end())
                qFatal("task %u queued twice", e.task);
            held.push_back(e.task);
            ++out.enqueues[e.task];
        } else if (e.kind == EventKind::PollStart && local.count(e.task)) {
            // The set polls its front, and only a task it queued.
            if (held.empty() || held.front() != e.task)
                qFatal("task %u polled but not at the front of the set's queue", e.task);
            held.pop_front();
            ++out.polls[e.task];
        } else if (e.kind == EventKind::Cancel) {
            held.erase(std::remove(held.begin(), held.end(), e.task), held.end());
        }
        const QueueSnapshot q = qs.at(t, c);
        const std::vector<std::uint32_t> want(held.begin(), held.end());
        if (q.local_set != want)
            qFatal("step %zu: the replayed LocalSet queue differs from the set's", c);
        out.most_queued = std::max(out.most_queued, want.size());
    }
    return out;
}

Task<void> local_job(int sleeps) {
    for (int i = 0; i < sleeps; ++i)
        co_await sleep(std::chrono::milliseconds(10));
}

Task<int> three_at_once() {
    LocalSet set;
    (void)set.spawn_local(local_job(0), "a");
    (void)set.spawn_local(local_job(1), "b");
    (void)set.spawn_local(local_job(2), "c");
    co_await set;
    co_return 0;
}

} // namespace

class TestLocalSetQueue : public QObject {
    Q_OBJECT
private slots:
    void local_set_example_data() {
        QTest::addColumn<bool>("virtual_clock");
        QTest::newRow("virtual clock") << true;
        QTest::newRow("real clock") << false;
    }
    void local_set_example() {
        QFETCH(bool, virtual_clock);
        const Trace t = test::record_trace(QStringLiteral("local-set"), virtual_clock);
        TimelineModel m;
        m.load(t);
        const Checked c = check_fifo(t);
        // The set's two spawned tasks (async_block_2 is run_until's future,
        // never spawned): each polled once per queueing.
        std::set<std::string> names;
        for (const auto& [task, n] : c.enqueues) {
            names.insert(m.task_label(task));
            QCOMPARE(c.polls.at(task), n);
        }
        QCOMPARE(names, (std::set<std::string>{"async_block_1", "async_block_3"}));
        QCOMPARE(c.most_queued, std::size_t(1));
        QCOMPARE(QueueState().at(t, t.events.size()).local_set, std::vector<std::uint32_t>{});
    }

    void three_local_tasks_queued_at_once() {
        const Trace t = test::record_virtual(three_at_once(), "driver");
        TimelineModel m;
        m.load(t);
        const Checked c = check_fifo(t);
        QCOMPARE(c.most_queued, std::size_t(3));
        // After the three spawns, before the set is driven: a, b, c in that order.
        std::size_t third = 0;
        for (std::size_t i = 0, n = 0; i < t.events.size() && n < 3; ++i)
            if (local_enqueue(t.events[i]) && ++n == 3)
                third = i + 1;
        const QueueSnapshot q = QueueState().at(t, third);
        std::vector<std::string> queued;
        for (const std::uint32_t task : q.local_set)
            queued.push_back(m.task_label(task));
        QCOMPARE(queued, (std::vector<std::string>{"a", "b", "c"}));
        // b sleeps once and c twice: queued again after each wake.
        for (const auto& [task, n] : c.enqueues)
            QCOMPARE(n, 1 + (m.task_label(task) == "b" ? 1 : m.task_label(task) == "c" ? 2 : 0));
    }
};

QTEST_MAIN(TestLocalSetQueue)
#include "test_local_set_queue.moc"
