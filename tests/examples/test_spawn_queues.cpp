// The queues of a real run (issue 10): the "spawn" example on 5 workers with
// CPU work in its tasks, recorded as the window records it. Its queue events
// replayed (queue_state.h) show tasks in the queues of several workers at one
// step and at least one steal, and the narration tells the steal.
#include "narration.h"
#include "queue_state.h"
#include "record_trace.h"
#include "timeline_model.h"

#include <QtTest>

#include <algorithm>

using namespace pollscope;
using namespace pollscope::trace;

namespace {

struct Seen {
    std::size_t most_workers = 0; // workers with queued tasks at one step, at most
    std::size_t steal_event = 0;  // index of the first steal (0: none)
    std::uint64_t steals = 0;
    std::size_t steals_as_replayed = 0; // the task polled next was at the victim's front
};

Seen replay(const Trace& t) {
    QueueState qs;
    Seen s;
    for (std::size_t c = 1; c <= t.events.size(); ++c) {
        const Event& e = t.events[c - 1];
        if (e.kind == EventKind::Steal) {
            // Before the steal: the victim's queue as replayed holds the task
            // the stealer polls next among its first arg2 tasks.
            const QueueSnapshot before = qs.at(t, c - 1);
            if (e.arg < before.workers.size()) {
                const auto& run = before.workers[e.arg].run_queue;
                const auto n = std::min<std::size_t>(e.arg2, run.size());
                s.steals_as_replayed += std::find(run.begin(), run.begin() + std::ptrdiff_t(n),
                                                  e.task) != run.begin() + std::ptrdiff_t(n);
            }
        }
        const QueueSnapshot q = qs.at(t, c);
        s.most_workers = std::max(s.most_workers, q.workers_with_tasks());
        if (t.events[c - 1].kind == EventKind::Steal && s.steal_event == 0)
            s.steal_event = c - 1;
        s.steals = q.steals;
    }
    return s;
}

} // namespace

class TestSpawnQueues : public QObject {
    Q_OBJECT
private slots:
    void spawn_on_five_workers_spreads_and_steals_data() {
        QTest::addColumn<bool>("virtual_clock");
        QTest::newRow("virtual clock") << true;
        QTest::newRow("real clock") << false;
    }
    void spawn_on_five_workers_spreads_and_steals() {
        QFETCH(bool, virtual_clock);
        const Trace t =
            test::record_trace(QStringLiteral("spawn"), virtual_clock,
                               {{QStringLiteral("workers"), 5}, {QStringLiteral("tasks"), 12}});
        const Seen s = replay(t);
        qInfo("%zu events, at most %zu workers with queued tasks, %llu steals (%zu as replayed)",
              t.events.size(), s.most_workers, static_cast<unsigned long long>(s.steals),
              s.steals_as_replayed);
        QVERIFY(s.most_workers >= 2);
        QVERIFY(s.steals >= 1);
        // The recorded enqueues put the stolen task where the steal found it
        // (stamps of two threads a few ns apart may disagree, so not every one).
        QVERIFY(s.steals_as_replayed >= 1);
        TimelineModel m;
        m.load(t);
        const std::string line = narrate(m, s.steal_event);
        qInfo("%s", line.c_str());
        const Event& steal = t.events[s.steal_event];
        QVERIFY(QString::fromStdString(line).contains(
            QStringLiteral("steals %1 task").arg(steal.arg2)));
        QVERIFY(QString::fromStdString(line).contains(
            QStringLiteral("from worker %1's run queue").arg(steal.arg)));
    }
};

QTEST_GUILESS_MAIN(TestSpawnQueues)
#include "test_spawn_queues.moc"
