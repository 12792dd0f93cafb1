// QueuesPanel: reads the store at the cursor it is given (the rewind cursor,
// or -1 for the end), follows a store that grows (a live run), and says in
// its headline what the step did and where a polled task came from.
#include "event_builder.h"
#include "main_window.h"
#include "queues_panel.h"
#include "trace_store.h"

#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QScrollArea>
#include <QStandardPaths>
#include <QtTest>

using namespace pollscope;
using namespace pollscope::app;
using namespace pollscope::trace;

namespace {

using pollscope::test::ev;

/// Worker 0 spawns tasks 1 to 3 (LIFO hand-offs), worker 1 steals two and
/// polls the second.
Trace spawned_and_stolen() {
    Trace t;
    t.threads.push_back({10, 0, 0});
    t.threads.push_back({11, 1, 0});
    const auto lifo = std::uint8_t(QueueKind::LifoSlot);
    for (std::uint32_t task = 1; task <= 3; ++task) {
        t.events.push_back(ev(task, EventKind::Spawn, task, 0));
        t.events.push_back(ev(task, EventKind::Enqueue, task, 0, 0, lifo));
    }
    t.events.push_back(ev(10, EventKind::Steal, 2, 1, 0, 0, 2));
    t.events.push_back(ev(11, EventKind::PollStart, 2, 1));
    return t;
}

} // namespace

class TestQueuesPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_queues_panel"));
        QSettings().clear();
    }

    void the_window_has_it_in_a_dock_under_view() {
        MainWindow w;
        auto* dock = w.findChild<QDockWidget*>(QStringLiteral("queuesDock"));
        QVERIFY(dock);
        QCOMPARE(dock->widget(), static_cast<QWidget*>(w.queues_panel()));
        QVERIFY(dock->isHidden());
        auto* view = w.menuBar()->findChild<QMenu*>(QStringLiteral("menuView"));
        QVERIFY(view);
        QVERIFY(view->actions().contains(dock->toggleViewAction()));
        QCOMPARE(dock->toggleViewAction()->shortcut(), QKeySequence(Qt::Key_Q));
        dock->toggleViewAction()->trigger();
        QVERIFY(!dock->isHidden());
    }

    void shows_the_queues_at_the_cursor() {
        TraceStore store;
        store.load(spawned_and_stolen());
        std::int64_t cursor = 6; // after the three hand-offs
        QueuesPanel panel(store, [&] { return cursor; });
        panel.refresh();
        QCOMPARE(panel.snapshot().workers.at(0).lifo, 3u);
        QCOMPARE(panel.snapshot().workers.at(0).run_queue, (std::vector<std::uint32_t>{1, 2}));
        QVERIFY2(panel.headline().contains(QStringLiteral("task 3 goes into worker 0's LIFO slot")),
                 qPrintable(panel.headline()));

        cursor = 7; // the steal
        panel.refresh();
        QVERIFY2(panel.headline().contains(
                     QStringLiteral("worker 1 steals 2 tasks from worker 0's run queue")),
                 qPrintable(panel.headline()));
        QCOMPARE(panel.snapshot().steals, std::uint64_t(1));
        QCOMPARE(panel.snapshot().workers.at(1).run_queue, (std::vector<std::uint32_t>{1}));

        cursor = -1; // no rewind cursor: the end
        panel.refresh();
        QCOMPARE(panel.snapshot().workers.at(1).polling, 2u);
        QVERIFY2(
            panel.headline().contains(QStringLiteral("taken from worker 0's run queue by a steal")),
            qPrintable(panel.headline()));

        cursor = 2; // back again
        panel.refresh();
        QCOMPARE(panel.snapshot().workers.at(0).lifo, 1u);
        QVERIFY(panel.snapshot().workers.at(0).run_queue.empty());
    }

    void follows_a_growing_store() {
        TraceStore store;
        Trace t = spawned_and_stolen();
        const std::size_t half = 4;
        Trace first = t;
        first.events.resize(half);
        store.load(first);
        QueuesPanel panel(store, [] { return std::int64_t(-1); });
        panel.refresh();
        QCOMPARE(panel.snapshot().cursor, half);
        std::vector<Event> rest(t.events.begin() + std::ptrdiff_t(half), t.events.end());
        store.append(rest);
        panel.refresh();
        QCOMPARE(panel.snapshot().cursor, t.events.size());
        QCOMPARE(panel.snapshot().workers.at(1).polling, 2u);
    }

    void shows_a_local_sets_queue_live_and_at_the_cursor() {
        // Task 1 drives a LocalSet: it spawns local tasks 2 and 3 into it,
        // then polls 2 (the set's front) inside its own poll.
        Trace t;
        t.threads.push_back({10, 0, 0});
        const auto local = std::uint8_t(QueueKind::LocalSet);
        t.events = {ev(0, EventKind::PollStart, 1, 0),
                    ev(1, EventKind::Spawn, 2, 0, 1),
                    ev(1, EventKind::Enqueue, 2, 0, kNoWorker, local),
                    ev(2, EventKind::Spawn, 3, 0, 1),
                    ev(2, EventKind::Enqueue, 3, 0, kNoWorker, local),
                    ev(3, EventKind::PollStart, 2, 0)};
        TraceStore store;
        store.load(t);
        std::int64_t cursor = 1; // before any LocalSet enqueue: no LocalSet row
        QueuesPanel panel(store, [&] { return cursor; });
        auto* scroll = panel.findChild<QScrollArea*>();
        QVERIFY(scroll && scroll->widget());
        panel.refresh();
        const int without = scroll->widget()->minimumHeight();
        QVERIFY(panel.snapshot().local_set.empty());

        cursor = 5; // both queued
        panel.refresh();
        QCOMPARE(panel.snapshot().local_set, (std::vector<std::uint32_t>{2, 3}));
        QVERIFY2(panel.headline().contains(
                     QStringLiteral("task 3 is pushed onto the back of the LocalSet's queue")),
                 qPrintable(panel.headline()));
        QVERIFY(scroll->widget()->minimumHeight() > without); // its row

        cursor = -1; // live: the end
        panel.refresh();
        QCOMPARE(panel.snapshot().local_set, (std::vector<std::uint32_t>{3}));
        QVERIFY2(panel.headline().contains(QStringLiteral("taken from the LocalSet's queue")),
                 qPrintable(panel.headline()));
    }

    void an_old_trace_without_queue_events_says_so() {
        TraceStore store;
        Trace t;
        t.threads.push_back({10, 0, 0});
        t.events = {ev(0, EventKind::Spawn, 1, 0), ev(1, EventKind::PollStart, 1, 0)};
        store.load(t);
        QueuesPanel panel(store, [] { return std::int64_t(-1); });
        panel.refresh();
        QCOMPARE(panel.snapshot().workers.at(0).polling, 1u);
        QVERIFY(panel.headline().contains(QStringLiteral("no queue events")));
    }
};

QTEST_MAIN(TestQueuesPanel)
#include "test_queues_panel.moc"
