// Driving the window: run every example of the registry to completion, step
// one poll at a time (real and virtual clock), export and re-import, a bad
// trace file, the interactive event loop and its Shutdown, Reset while
// stepping, follow-live on an idle run, await-site highlighting.
#include "event_log_model.h"
#include "example_panel.h"
#include "example_runner.h"
#include "main_window.h"
#include "synthetic.h"
#include "task_table_model.h"
#include "timeline_view.h"
#include "trace_file.h"
#include "trace_store.h"

#include <QAction>
#include <QComboBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace pollscope;
using namespace pollscope::app;

namespace {
std::size_t count_kind(const TraceStore& s, trace::EventKind k) {
    std::size_t n = 0;
    for (const auto& e : s.trace().events)
        n += e.kind == k;
    return n;
}

/// Selects `id` with the clock asked for (knobs remembered by other tests
/// are reset to the example's defaults first).
void select(MainWindow& w, const QString& id, bool virtual_clock) {
    QVERIFY(w.select_example(id));
    const auto* e = app::find_example(id);
    QVERIFY(e);
    w.example_panel()->set_knob_values(pollscope::examples::default_knobs(*e));
    w.example_panel()->set_virtual_clock(virtual_clock);
}
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_main_window"));
        QSettings().clear();
    }

    void runs_example_to_completion_data() {
        QTest::addColumn<QString>("id");
        for (const auto& e : app::examples())
            if (!e.interactive)
                QTest::newRow(qPrintable(e.id)) << e.id;
    }

    void runs_example_to_completion() {
        QFETCH(QString, id);
        MainWindow w;
        w.set_quiet_errors(true);
        select(w, id, true);
        QCOMPARE(w.current_example_id(), id);
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        // (A virtual-clock example may be over before run() returns: its
        // finished signal is what counts.)
        QVERIFY(done.wait(20000) || !done.isEmpty());
        const QString result = done.first().at(1).toString();
        QVERIFY2(!result.startsWith(QLatin1String("failed")), qPrintable(result));
        QVERIFY(!w.running());
        // Table: every task finished (done, or cancelled by select).
        auto* m = w.task_model();
        QVERIFY(m->rowCount() >= 1);
        std::uint64_t polls = 0;
        for (int r = 0; r < m->rowCount(); ++r) {
            const QString state = m->index(r, TaskTableModel::State).data().toString();
            // lost-waker's mistake: its task is left idle, never woken (the lesson)
            QVERIFY2(state == QLatin1String("done") || state == QLatin1String("cancelled") ||
                         (id == QLatin1String("lost-waker") && state == QLatin1String("idle")),
                     qPrintable(state));
            polls += m->index(r, TaskTableModel::Polls).data().toULongLong();
        }
        // Timeline model: one lane per task, one bar per poll.
        const auto& s = w.store();
        QCOMPARE(s.task_lanes().size(), std::size_t(m->rowCount()));
        QCOMPARE(s.polls().size(), polls);
        QCOMPARE(count_kind(s, trace::EventKind::PollStart), polls);
        for (const auto& p : s.polls())
            QVERIFY(!p.open());
        QCOMPARE(w.timeline()->lane_count(), m->rowCount());
        QCOMPARE(w.log_model()->rowCount(), int(s.trace().events.size()));
        // Clicking a poll selects its task.
        const auto& p = s.polls().back();
        w.select_task(p.task, int(s.polls().size() - 1));
        QCOMPARE(w.selected_task(), p.task);
    }

    void selected_task_highlights_its_await_site() {
        // The registry's code panel shows the example's own file: the line a
        // Pending poll stopped at is a co_await in it.
        MainWindow w;
        w.set_quiet_errors(true);
        select(w, QStringLiteral("join"), true);
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        QVERIFY(done.wait(20000));
        const auto& s = w.store();
        int pending = -1;
        for (std::size_t i = 0; i < s.polls().size() && pending < 0; ++i)
            if (s.polls()[i].site != 0)
                pending = int(i);
        QVERIFY(pending >= 0);
        w.select_task(s.polls()[std::size_t(pending)].task, pending);
        const int line = w.example_panel()->highlighted_line();
        QVERIFY(line > 0);
        const QStringList code =
            app::find_example(QStringLiteral("join"))->code.split(QLatin1Char('\n'));
        QVERIFY(line <= code.size());
        QVERIFY2(code[line - 1].contains(QLatin1String("co_await")), qPrintable(code[line - 1]));
        // the Rust tab highlights the matching .await (join's sleeps or join!)
        const int rust_line = w.example_panel()->highlighted_rust_line();
        QVERIFY(rust_line > 0);
        const QStringList rust =
            app::find_example(QStringLiteral("join"))->rust.split(QLatin1Char('\n'));
        QVERIFY2(rust[rust_line - 1].contains(QLatin1String(".await")) ||
                     rust[rust_line - 1].contains(QLatin1String("join!")),
                 qPrintable(rust[rust_line - 1]));
        // a line with no Rust match clears the Rust highlight
        w.example_panel()->highlight_site(QString(), 0);
        QCOMPARE(w.example_panel()->highlighted_rust_line(), 0);
    }

    void clock_is_one_control() {
        // The registry's virtual_time knob is the panel's Clock check box,
        // not a second control; it travels in knob_values() and is remembered.
        MainWindow w;
        QVERIFY(w.select_example(QStringLiteral("spawn")));
        auto* panel = w.example_panel();
        QVERIFY(!panel->findChild<QWidget*>(QStringLiteral("knob_virtual_time")));
        panel->set_virtual_clock(true);
        QCOMPARE(panel->knob_values().at(QStringLiteral("virtual_time")), 1);
        panel->set_virtual_clock(false);
        QCOMPARE(panel->knob_values().at(QStringLiteral("virtual_time")), 0);
        panel->set_knob_values({{QStringLiteral("virtual_time"), 1}});
        QVERIFY(panel->virtual_clock());
        // Remembered per example across a switch.
        QVERIFY(w.select_example(QStringLiteral("join")));
        QVERIFY(w.select_example(QStringLiteral("spawn")));
        QVERIFY(w.example_panel()->virtual_clock());
    }

    void space_toggles_run_and_pause() {
        MainWindow w;
        w.set_quiet_errors(true);
        select(w, QStringLiteral("event-loop"), false);
        auto* toggle = w.findChild<QAction*>(QStringLiteral("actionToggleRun"));
        QVERIFY(toggle);
        QCOMPARE(toggle->shortcut(), QKeySequence(Qt::Key_Space));
        toggle->trigger();
        QVERIFY(w.running());
        QVERIFY(!w.runner()->paused());
        toggle->trigger();
        QVERIFY(w.runner()->paused());
        toggle->trigger();
        QVERIFY(!w.runner()->paused());
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.shutdown();
        QVERIFY(done.wait(20000) || !done.isEmpty());
    }

    void settings_are_remembered() {
        QSettings().clear();
        {
            MainWindow w;
            QVERIFY(w.select_example(QStringLiteral("stream")));
            w.findChild<QComboBox*>(QStringLiteral("laneMode"))->setCurrentIndex(1);
            auto* delay = w.findChild<QSpinBox*>(QStringLiteral("knob_delay"));
            QVERIFY(delay);
            delay->setValue(42);
            w.example_panel()->set_virtual_clock(true);
            w.close();
        }
        MainWindow w;
        QCOMPARE(w.current_example_id(), QStringLiteral("stream"));
        QCOMPARE(w.findChild<QComboBox*>(QStringLiteral("laneMode"))->currentIndex(), 1);
        QCOMPARE(w.timeline()->lane_mode(), TimelineView::LaneMode::Workers);
        QCOMPARE(w.example_panel()->knob_values().at(QStringLiteral("delay")), 42);
        QVERIFY(w.example_panel()->virtual_clock());
        w.findChild<QComboBox*>(QStringLiteral("laneMode"))->setCurrentIndex(0);
        QSettings().clear();
    }

    void step_advances_exactly_one_poll_data() {
        QTest::addColumn<bool>("virtual_clock");
        QTest::newRow("real clock") << false;
        QTest::newRow("virtual clock") << true;
    }

    void step_advances_exactly_one_poll() {
        QFETCH(bool, virtual_clock);
        MainWindow w;
        w.set_quiet_errors(true);
        select(w, QStringLiteral("spawn"), virtual_clock);
        w.step(1);
        auto* gate = w.runner()->state()->gate.get();
        QTRY_VERIFY_WITH_TIMEOUT(gate->passed() == 1 && gate->waiting() >= 1, 10000);
        QTest::qWait(100); // nothing else may slip through
        QCOMPARE(gate->passed(), std::uint64_t(1));
        w.drain_now();
        QCOMPARE(count_kind(w.store(), trace::EventKind::PollStart), std::size_t(1));
        for (int i = 2; i <= 4; ++i) {
            w.step(1);
            QTRY_VERIFY_WITH_TIMEOUT(gate->passed() == std::uint64_t(i) && gate->waiting() >= 1,
                                     10000);
            QTest::qWait(50);
            QCOMPARE(gate->passed(), std::uint64_t(i));
        }
        QVERIFY(w.runner()->state()->virtual_clock == virtual_clock);
        QTRY_COMPARE_WITH_TIMEOUT((w.drain_now(), count_kind(w.store(), trace::EventKind::PollEnd)),
                                  std::size_t(4), 5000);
        QCOMPARE(count_kind(w.store(), trace::EventKind::PollStart), std::size_t(4));
        // Step N: exactly N more.
        w.step(3);
        QTRY_VERIFY_WITH_TIMEOUT(gate->passed() == 7 && gate->waiting() >= 1, 10000);
        QTest::qWait(50);
        QCOMPARE(gate->passed(), std::uint64_t(7));
        // Run resumes to the end.
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        QVERIFY(done.wait(20000));
        QVERIFY(w.task_model()->rowCount() > 1);
        QVERIFY(w.store().trace().virtual_time == virtual_clock);
    }

    void reset_while_stepping_does_not_block() {
        // Reset joins the example's workers, one of which waits at the gate:
        // the window opens the gate and aborts off the GUI thread.
        MainWindow w;
        w.set_quiet_errors(true);
        select(w, QStringLiteral("event-loop"), false);
        w.step(1);
        auto* gate = w.runner()->state()->gate.get();
        QTRY_VERIFY_WITH_TIMEOUT(gate->passed() == 1 && gate->waiting() >= 1, 10000);
        w.reset(); // returning at all is the point: joining on this thread deadlocked
        QVERIFY(w.store().empty());
        // Run at once: it starts when the stopped run is gone (no error, and
        // the stopped run is not "resumed").
        QSignalSpy errors(&w, &MainWindow::error_reported);
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        // (The stopped run may also have ended before run(): then it starts at once.)
        QTRY_VERIFY_WITH_TIMEOUT(w.running() && !w.runner()->stopping(), 20000);
        QCOMPARE(errors.count(), 0);
        QTest::qWait(100);
        done.clear();
        w.shutdown();
        QVERIFY(done.wait(20000) || !done.isEmpty());
        QVERIFY(done.last().at(1).toString().contains(QLatin1String("10 received")));
    }

    void follow_live_moves_while_idle() {
        // A real-clock run that sleeps: no event for a second, yet the view
        // keeps moving with time.
        MainWindow w;
        w.set_quiet_errors(true);
        select(w, QStringLiteral("timer-future"), false);
        w.set_time_axis(false); // steps do not move while nothing happens
        w.example_panel()->set_knob_values({{QStringLiteral("duration"), 1500}});
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        QTRY_VERIFY_WITH_TIMEOUT((w.drain_now(), !w.store().empty()), 5000);
        QTest::qWait(200);
        const auto events = w.store().trace().events.size();
        const auto end1 = w.timeline()->mapping().end;
        QTest::qWait(400);
        QCOMPARE(w.store().trace().events.size(), events); // still idle
        const auto end2 = w.timeline()->mapping().end;
        QVERIFY2(end2 - end1 > 200'000'000, qPrintable(QString::number(end2 - end1)));
        QVERIFY(done.wait(20000));
    }

    void export_writes_files_importer_reads() {
        MainWindow w;
        w.set_quiet_errors(true);
        QVERIFY(w.select_example(QStringLiteral("select")));
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        QVERIFY(done.wait(20000));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QSignalSpy exported(&w, &MainWindow::export_finished);
        for (const char* name : {"t.json", "t.csv", "t.png", "t.svg"}) {
            const QString path = dir.filePath(QLatin1String(name));
            w.export_to(path);
            QTRY_VERIFY_WITH_TIMEOUT(!exported.isEmpty(), 10000);
            const auto args = exported.takeFirst();
            QCOMPARE(args.at(0).toString(), path);
            QVERIFY2(args.at(1).toBool(), qPrintable(args.at(2).toString()));
            QVERIFY(QFileInfo(path).size() > 0);
        }
        QString error;
        auto t = trace::load_trace(dir.filePath(QStringLiteral("t.json")), &error);
        QVERIFY2(t.has_value(), qPrintable(error));
        QCOMPARE(t->events.size(), w.store().trace().events.size());

        // Opening it in another window shows the same trace without running.
        MainWindow v;
        v.set_quiet_errors(true);
        QVERIFY(v.select_example(QStringLiteral("timer-future")));
        QSignalSpy opened(&v, &MainWindow::trace_opened);
        v.open_trace(dir.filePath(QStringLiteral("t.json")));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        QCOMPARE(v.store().trace().events.size(), w.store().trace().events.size());
        // The statistics follow the first frame, from their own worker thread.
        QTRY_COMPARE_WITH_TIMEOUT(v.task_model()->rowCount(), w.task_model()->rowCount(), 10000);
        QVERIFY(!v.running());
        // The panel shows the example the trace came from, not another one.
        QCOMPARE(v.current_example_id(), QStringLiteral("select"));
        QVERIFY(QImage(dir.filePath(QStringLiteral("t.png"))).width() > 100);
    }

    void export_owns_its_snapshot() {
        // The export writes a snapshot taken when asked: a reset and the
        // window's end right after do not wait for it, and it still writes
        // the trace as it was.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.json"));
        std::size_t events = 0;
        {
            MainWindow w;
            w.set_quiet_errors(true);
            QVERIFY(w.select_example(QStringLiteral("join")));
            QSignalSpy done(&w, &MainWindow::run_finished);
            w.run();
            QVERIFY(done.wait(20000));
            events = w.store().trace().events.size();
            QVERIFY(events > 0);
            w.export_to(path);
            w.reset();
            QCOMPARE(w.store().trace().events.size(), std::size_t(0));
        }
        QString error;
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path), 10000);
        std::optional<trace::Trace> t;
        QTRY_VERIFY_WITH_TIMEOUT((t = trace::load_trace(path, &error)).has_value(), 10000);
        QCOMPARE(t->events.size(), events);
    }

    void bad_trace_reports_error_and_changes_nothing() {
        MainWindow w;
        w.set_quiet_errors(true);
        QVERIFY(w.select_example(QStringLiteral("join")));
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        QVERIFY(done.wait(20000));
        const auto events = w.store().trace().events.size();
        const int rows = w.task_model()->rowCount();
        const QString title = w.windowTitle();
        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"pollscope\": {\"format\": \"pollscope-trace\", \"events\": [[1,2");
        f.close();
        QSignalSpy errors(&w, &MainWindow::error_reported);
        QSignalSpy opened(&w, &MainWindow::trace_opened);
        w.open_trace(bad);
        QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, 10000);
        QVERIFY(!errors.first().at(1).toString().isEmpty());
        QCOMPARE(opened.count(), 0);
        QCOMPARE(w.store().trace().events.size(), events);
        QCOMPARE(w.task_model()->rowCount(), rows);
        QCOMPARE(w.windowTitle(), title);
        // A missing file too.
        w.open_trace(dir.filePath(QStringLiteral("missing.json")));
        // (the error may arrive at once: the load can finish before open_trace returns)
        QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 2, 10000);
        QCOMPARE(w.store().trace().events.size(), events);
    }

    void opened_file_shows_before_its_statistics_and_a_run_stops_them() {
        // A file's timeline is shown once it is read and indexed; its
        // statistics follow from a thread of their own. A run started
        // meanwhile stops that computation (nothing of the file's reaches
        // the run's table), without waiting for it to finish.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.json"));
        QVERIFY(trace::save_trace(path, trace::make_synthetic_trace(400'000, 20'000, 4)));
        MainWindow w;
        w.set_quiet_errors(true);
        QVERIFY(w.select_example(QStringLiteral("join")));
        QSignalSpy opened(&w, &MainWindow::trace_opened);
        w.open_trace(path);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        QCOMPARE(w.store().trace().events.size(), std::size_t(400'000));
        const bool was_summarising = w.run_controller()->summarising();
        QSignalSpy done(&w, &MainWindow::run_finished);
        QVERIFY(w.select_example(QStringLiteral("join"))); // the file named none
        w.run();
        QVERIFY(!w.run_controller()->summarising()); // stopped, not left to finish
        QVERIFY(done.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(w.task_model()->rowCount() > 0, 10000);
        QCOMPARE(std::size_t(w.task_model()->rowCount()), w.store().task_lanes().size());
        QVERIFY(w.task_model()->rowCount() < 100); // the run's tasks, not the file's
        if (!was_summarising)
            qInfo("the file's statistics were done before the run started");

        // Left alone, a file's statistics arrive, one row per task.
        w.open_trace(path);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 2, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(std::size_t(w.task_model()->rowCount()),
                                  w.store().task_lanes().size(), 30000);
        QVERIFY(w.task_model()->rowCount() > 1000);
    }

    void event_loop_counts_every_event_sent_data() {
        QTest::addColumn<bool>("virtual_clock");
        QTest::newRow("real clock") << false;
        QTest::newRow("virtual clock") << true;
    }

    void event_loop_counts_every_event_sent() {
        QFETCH(bool, virtual_clock);
        MainWindow w;
        w.set_quiet_errors(true);
        select(w, QStringLiteral("event-loop"), virtual_clock);
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        QTest::qWait(100);
        w.send_events(1);
        w.send_events(25);
        QTest::qWait(200);
        const int sent = w.runner()->state()->control.events_sent();
        QCOMPARE(sent, 10 + 26); // the start-up burst, then ours
        QCOMPARE(w.example_panel()->events_sent_shown(), sent);
        w.shutdown();
        // After Shutdown the loop takes no more: refused, not counted.
        w.send_events(5);
        QVERIFY(done.wait(20000) || !done.isEmpty());
        const QString result = done.first().at(1).toString();
        QVERIFY2(result.startsWith(QStringLiteral("%1 events sent, %1 received").arg(sent)),
                 qPrintable(result));
        QCOMPARE(w.runner()->state()->control.events_sent(), sent);
        QCOMPARE(w.example_panel()->events_sent_shown(), sent);
        // The timeline shows the signal and each task's exit.
        QVERIFY(count_kind(w.store(), trace::EventKind::Mark) > 0);
        QCOMPARE(count_kind(w.store(), trace::EventKind::Shutdown), std::size_t(1));
        auto* m = w.task_model();
        for (int r = 0; r < m->rowCount(); ++r)
            QCOMPARE(m->index(r, TaskTableModel::State).data().toString(), QStringLiteral("done"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
