// Rewind (issue 10, item 5): select is stepped live one poll at a time and
// the task table recorded after each step; once the run is over, the cursor
// goes back from the end to the start and forward again, and at every step
// of the live run the table shows what the live run showed then. Also: a
// press on the ruler puts the cursor at that time, Esc shows the end again,
// and the cursor cannot be used while a run goes on. Each step's line
// (trace::narrate()) is in the status bar and the event log.
#include "event_log_model.h"
#include "example_panel.h"
#include "example_runner.h"
#include "main_window.h"
#include "narration.h"
#include "run_until.h"
#include "task_table_model.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QAction>
#include <QLabel>
#include <QResizeEvent>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <utility>
#include <vector>

using namespace pollscope;
using namespace pollscope::app;

namespace {

/// The task table as shown (through the sort/filter proxy, sorted by id):
/// per row the columns that mean the task's state. Busy, idle and scheduled
/// time, workers and warnings are left out: at the cursor they are blank
/// (summed over the whole run, they would tell the end, not then), and live
/// the times grow with the clock between steps.
QStringList table_of(MainWindow& w) {
    QStringList rows;
    const auto* p = w.task_proxy();
    for (int r = 0; r < p->rowCount(); ++r) {
        QStringList cells;
        for (const int c : {TaskTableModel::Id, TaskTableModel::Name, TaskTableModel::State,
                            TaskTableModel::WaitingOn, TaskTableModel::Polls, TaskTableModel::Wakes,
                            TaskTableModel::SelfWakes})
            cells << p->index(r, c).data().toString();
        rows << cells.join(QLatin1Char('|'));
    }
    return rows;
}

void select_example(MainWindow& w, const QString& id, int spawned) {
    QVERIFY(w.select_example(id));
    const auto* e = app::find_example(id);
    QVERIFY(e);
    auto knobs = pollscope::examples::default_knobs(*e);
    knobs[QStringLiteral("spawned")] = spawned;
    w.example_panel()->set_knob_values(knobs);
    w.example_panel()->set_virtual_clock(true);
}

} // namespace

class TestRewind : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_rewind"));
        QSettings().clear();
    }

    void rewound_table_is_the_live_one_data() {
        QTest::addColumn<int>("spawned");
        QTest::newRow("select in one task") << 0;
        QTest::newRow("select over spawned tasks") << 1;
    }

    void rewound_table_is_the_live_one() {
        QFETCH(int, spawned);
        MainWindow w;
        w.set_quiet_errors(true);
        select_example(w, QStringLiteral("select"), spawned);
        QSignalSpy blocked(w.run_controller(), &RunController::blocked);
        QSignalSpy done(&w, &MainWindow::run_finished);
        // Live: one poll per step; after each, the table of everything recorded.
        struct Live {
            std::size_t events = 0;
            std::vector<trace::Event> recorded;
            QStringList table;
        };
        std::vector<Live> live;
        for (int step = 0; done.isEmpty(); ++step) {
            QVERIFY2(step < 500, "select should finish in a few dozen polls");
            const auto seen = blocked.count();
            w.step(1);
            QVERIFY(test::run_until([&] { return blocked.count() > seen || !done.isEmpty(); }));
            if (!done.isEmpty())
                break; // the end's table is the cursor at the end's, below
            // Paused at the gate, the run goes on: S steps it, not the cursor.
            QVERIFY(!w.can_rewind());
            QVERIFY(!w.step_back_action()->isEnabled());
            w.refresh_stats();
            live.push_back(
                {w.store().trace().events.size(), w.store().trace().events, table_of(w)});
        }
        // In one task: its first poll (Pending on three sleeps), then the
        // Ready one; spawned, each branch's task is polled too.
        QVERIFY(live.size() >= (spawned ? 5u : 1u));
        const QStringList end_table = table_of(w);
        const auto& events = w.store().trace().events;
        // What each step showed was a beginning of the finished trace.
        for (const auto& l : live) {
            QVERIFY(l.events <= events.size());
            QVERIFY(std::equal(l.recorded.begin(), l.recorded.end(), events.begin()));
        }
        qDebug() << live.size() << "live steps," << events.size() << "events";

        // Back from the end to the start, then forward to the end.
        QVERIFY(w.can_rewind());
        QCOMPARE(w.rewind_cursor(), std::int64_t(-1));
        std::map<std::int64_t, QStringList> back, forward;
        std::int64_t last = std::int64_t(events.size());
        back[last] = end_table;
        for (int n = 0; last > 0; ++n) {
            QVERIFY(n <= int(events.size()));
            w.step_back();
            QVERIFY2(w.rewind_cursor() < last, "each step back moves the cursor back");
            last = w.rewind_cursor();
            QCOMPARE(w.timeline()->rewind_cursor(), last);
            back[last] = table_of(w);
        }
        QVERIFY(!w.step_back_action()->isEnabled()); // at the start
        QVERIFY(table_of(w).isEmpty());              // nothing spawned yet
        for (int n = 0; last < std::int64_t(events.size()); ++n) {
            QVERIFY(n <= int(events.size()));
            w.step_forward();
            QVERIFY(w.rewind_cursor() > last);
            last = w.rewind_cursor();
            forward[last] = table_of(w);
        }
        QVERIFY(!w.step_forward_action()->isEnabled()); // at the end
        // The same cursors both ways, the same table at each; the end's is the run's.
        QCOMPARE(back.size(), forward.size() + 1); // back also stood at the start
        for (const auto& [c, table] : forward)
            QCOMPARE(back.at(c), table);
        QCOMPARE(forward.at(std::int64_t(events.size())), end_table);
        // Every live step is a cursor position, with the live table.
        for (std::size_t k = 0; k < live.size(); ++k) {
            const auto c = std::int64_t(live[k].events);
            QVERIFY2(back.count(c) == 1, qPrintable(QStringLiteral("live step %1 (after %2 events) "
                                                                   "is no cursor position")
                                                        .arg(k + 1)
                                                        .arg(c)));
            if (back.at(c) != live[k].table)
                qWarning().noquote() << "live step" << k + 1 << "\nlive:\n"
                                     << live[k].table.join(QLatin1Char('\n')) << "\nrewound:\n"
                                     << back.at(c).join(QLatin1Char('\n'));
            QCOMPARE(back.at(c), live[k].table);
        }
        // Each step is told in one line: in the status bar and the event log.
        w.step_back();
        {
            const auto c = std::size_t(w.rewind_cursor());
            const QString told = QString::fromStdString(trace::narrate(w.store(), c - 1));
            QVERIFY(!told.isEmpty());
            QCOMPARE(w.log_model()->index(int(c - 1), EventLogModel::Story).data().toString(),
                     told);
            QCOMPARE(w.findChild<QStatusBar*>()->findChild<QLabel*>()->text().contains(told), true);
        }
        // Esc: the end again.
        QVERIFY(w.rewind_off_action()->isEnabled());
        w.rewind_off_action()->trigger();
        QCOMPARE(w.rewind_cursor(), std::int64_t(-1));
        QCOMPARE(w.timeline()->rewind_cursor(), std::int64_t(-1));
        QCOMPARE(table_of(w), end_table);
        QCOMPARE(w.task_model()->index(0, TaskTableModel::Busy).data().toString().isEmpty(),
                 false); // the whole run's columns are back
    }

    void an_opened_trace_rewinds_as_its_run() {
        // The run's trace saved and opened in another window: the same
        // cursors, the same table at each. The run's window is gone before
        // the other opens (two windows' read locks taken in turns on one
        // thread are a lock-order cycle to ThreadSanitizer).
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("select.pollscope.json"));
        std::vector<std::pair<std::int64_t, QStringList>> run_steps; // cursor, table
        std::size_t events = 0;
        int rows = 0;
        {
            MainWindow w;
            w.set_quiet_errors(true);
            select_example(w, QStringLiteral("select"), 1);
            QSignalSpy done(&w, &MainWindow::run_finished);
            w.run();
            QVERIFY(test::run_until([&] { return !done.isEmpty(); }));
            QSignalSpy exported(&w, &MainWindow::export_finished);
            w.export_to(path);
            QVERIFY(test::run_until([&] { return !exported.isEmpty(); }));
            QVERIFY(exported.first().at(1).toBool());
            events = w.store().trace().events.size();
            rows = w.task_model()->rowCount();
            do {
                w.step_back();
                run_steps.emplace_back(w.rewind_cursor(), table_of(w));
            } while (w.rewind_cursor() > 0);
        }
        QVERIFY(run_steps.size() > 10);
        MainWindow v;
        v.set_quiet_errors(true);
        QSignalSpy opened(&v, &MainWindow::trace_opened);
        v.open_trace(path);
        QVERIFY(test::run_until([&] {
            return !opened.isEmpty() && v.task_model()->rowCount() == rows && v.can_rewind();
        }));
        QCOMPARE(v.store().trace().events.size(), events);
        for (const auto& [cursor, table] : run_steps) {
            v.step_back();
            QCOMPARE(v.rewind_cursor(), cursor);
            QCOMPARE(table_of(v), table);
        }
    }

    void pressing_the_ruler_scrubs() {
        MainWindow w;
        w.set_quiet_errors(true);
        select_example(w, QStringLiteral("select"), 1);
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        QVERIFY(test::run_until([&] { return !done.isEmpty(); }));
        auto* tl = w.timeline();
        // Not shown (no window in tests): give the view a size of its own.
        tl->resize(900, 200);
        QResizeEvent resized(tl->size(), QSize());
        QCoreApplication::sendEvent(tl, &resized);
        tl->fit();
        const auto& events = w.store().trace().events;
        // Where step 5's cursor is drawn, a press on the ruler puts the cursor.
        w.set_rewind_cursor(0);
        for (int i = 0; i < 5; ++i)
            w.step_forward();
        const std::int64_t c = w.rewind_cursor();
        QVERIFY(c > 0 && c < std::int64_t(events.size()));
        const double x = tl->mapping().to_x(tl->cursor_time());
        w.rewind_off();
        QCOMPARE(tl->rewind_cursor(), std::int64_t(-1));
        QTest::mousePress(tl, Qt::LeftButton, {}, QPoint(int(std::lround(x)), 5));
        QCOMPARE(w.rewind_cursor(), c);
        QCOMPARE(tl->rewind_cursor(), c);
        // Dragging to the far right: the end.
        QTest::mouseMove(tl, QPoint(tl->width() - 20, 5));
        QCOMPARE(w.rewind_cursor(), std::int64_t(events.size()));
        QTest::mouseRelease(tl, Qt::LeftButton, {}, QPoint(tl->width() - 20, 5));
        // A new run takes the cursor away.
        w.step(1);
        QCOMPARE(w.rewind_cursor(), std::int64_t(-1));
        QVERIFY(!w.step_back_action()->isEnabled());
        w.reset();
    }
};

QTEST_MAIN(TestRewind)
#include "test_rewind.moc"
