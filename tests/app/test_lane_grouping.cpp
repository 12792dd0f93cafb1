// The timeline's "Group lanes by parent" (issue 9 item 6): with grouping on,
// test_spawn's children task_1..3 are drawn in the rows right below
// test_spawn's, in spawn order; parents spawning in turns get their children
// gathered below them, and clicks follow the drawn order; off, the store's
// order again. The window's switches are remembered.
#include "example_catalog.h"
#include "main_window.h"
#include "recorded_run.h"
#include "task_table_model.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QAction>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

using namespace pollscope;
using namespace pollscope::app;

namespace {

void record(TraceStore& store, const char* id) {
    const auto* e = find_example(QLatin1String(id));
    auto knobs = examples::default_knobs(*e);
    knobs[QStringLiteral("virtual_time")] = 1;
    examples::RecordedRun run(*e, knobs);
    run.run();
    store.load(run.recorder().snapshot());
}

int row_of(const TimelineView& v, const TraceStore& s, const char* name) {
    for (int r = 0; r < v.lane_count(); ++r)
        if (s.task_label(v.task_in_row(r)) == QLatin1String(name))
            return r;
    return -1;
}

} // namespace

class TestLaneGrouping : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_lane_grouping"));
        QSettings().clear();
    }
    void cleanupTestCase() { QSettings().clear(); }

    void childrenSitBelowTheirParent() {
        TraceStore store;
        record(store, "spawn");
        TimelineView v;
        v.resize(900, 400);
        v.set_store(&store);
        v.set_group_by_parent(true);
        const int parent = row_of(v, store, "test_spawn");
        QVERIFY(parent >= 0);
        QCOMPARE(row_of(v, store, "task_1"), parent + 1);
        QCOMPARE(row_of(v, store, "task_2"), parent + 2);
        QCOMPARE(row_of(v, store, "task_3"), parent + 3);
        QCOMPARE(v.lane_count(), int(store.task_lanes().size()));
        // Off: the store's order.
        v.set_group_by_parent(false);
        for (int r = 0; r < v.lane_count(); ++r)
            QCOMPARE(v.task_in_row(r), store.task_lanes()[std::size_t(r)].key);
    }

    void clickFollowsTheDrawnOrder() {
        // Two parents spawning in turns: 1 and 2 from main(), then 3 (of 1),
        // 4 (of 2), 5 (of 1); each task polled once. Grouped: 1 3 5 2 4.
        trace::Trace t;
        t.threads.push_back({});
        const auto ev = [&](std::int64_t ts, trace::EventKind k, std::uint32_t task,
                            std::uint32_t arg = 0, std::uint8_t flag = 0) {
            trace::Event e;
            e.ts = ts;
            e.kind = k;
            e.task = task;
            e.arg = arg;
            e.flag = flag;
            t.events.push_back(e);
        };
        const std::uint32_t parent_of[] = {0, 0, 0, 1, 2, 1};
        for (std::uint32_t task = 1; task <= 5; ++task) {
            ev(task * 100, trace::EventKind::Spawn, task, parent_of[task]);
            ev(task * 100 + 10, trace::EventKind::PollStart, task);
            ev(task * 100 + 60, trace::EventKind::PollEnd, task, 0, 1);
        }
        TraceStore store;
        store.load(t);
        TimelineView v;
        v.resize(900, 400);
        v.set_store(&store);
        v.fit();
        QCOMPARE(v.task_in_row(1), 2u); // the store's order
        v.set_group_by_parent(true);
        QList<std::uint32_t> rows;
        for (int r = 0; r < v.lane_count(); ++r)
            rows << v.task_in_row(r);
        QCOMPARE(rows, (QList<std::uint32_t>{1, 3, 5, 2, 4}));
        // The same store reloaded in place with a family of the same size
        // and times (4 now a child of 3): ordered again.
        for (auto& e : t.events)
            if (e.kind == trace::EventKind::Spawn && e.task == 4)
                e.arg = 3;
        store.load(t);
        v.store_changed();
        rows.clear();
        for (int r = 0; r < v.lane_count(); ++r)
            rows << v.task_in_row(r);
        QCOMPARE(rows, (QList<std::uint32_t>{1, 3, 4, 5, 2}));
        // Back to the first family for the clicks below.
        for (auto& e : t.events)
            if (e.kind == trace::EventKind::Spawn && e.task == 4)
                e.arg = 2;
        store.load(t);
        v.store_changed();
        // A click on each row's poll is its own task's poll.
        for (int r = 0; r < v.lane_count(); ++r) {
            const auto task = v.task_in_row(r);
            const auto& lane = store.task_lanes()[std::size_t(store.task_lane(task))];
            QCOMPARE(lane.polls.size(), std::size_t(1));
            const auto& poll = store.polls()[lane.polls.front()];
            const int x = int(v.mapping().to_x((poll.start + poll.end) / 2));
            const int y = TimelineView::kRulerHeight + r * TimelineView::kLaneHeight +
                          TimelineView::kLaneHeight / 2;
            const int pi = v.poll_at(QPoint(x, y));
            QVERIFY(pi >= 0);
            QCOMPARE(store.polls()[std::size_t(pi)].task, task);
        }
    }

    void windowRemembersTheSwitches() {
        {
            MainWindow w;
            QVERIFY(w.group_lanes_action() && w.task_tree_action());
            QVERIFY(!w.group_lanes_action()->isChecked());
            QCOMPARE(w.group_lanes_action()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_G));
            QCOMPARE(w.task_tree_action()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_T));
            w.group_lanes_action()->trigger();
            w.task_tree_action()->trigger();
            QVERIFY(w.timeline()->group_by_parent());
            QVERIFY(w.task_model()->tree());
            w.close();
        }
        MainWindow w2;
        QVERIFY(w2.group_lanes_action()->isChecked());
        QVERIFY(w2.timeline()->group_by_parent());
        QVERIFY(w2.task_model()->tree());
    }
};

QTEST_MAIN(TestLaneGrouping)
#include "test_lane_grouping.moc"
