// Driving the window: run an example to completion, step one poll at a time,
// export and re-import, a bad trace file, the interactive event loop.
#include "event_log_model.h"
#include "example_runner.h"
#include "main_window.h"
#include "task_table_model.h"
#include "timeline_view.h"
#include "trace_file.h"
#include "trace_store.h"

#include <QSignalSpy>
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
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_main_window"));
    }

    void runs_example_to_completion() {
        MainWindow w;
        w.set_quiet_errors(true);
        QVERIFY(w.select_example(QStringLiteral("join")));
        QCOMPARE(w.current_example_id(), QStringLiteral("join"));
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        QVERIFY(w.running());
        QVERIFY(done.wait(20000));
        QVERIFY(done.first().at(1).toString().contains(QStringLiteral("joined")));
        QVERIFY(!w.running());
        // Table: main, left, right, all done.
        auto* m = w.task_model();
        QCOMPARE(m->rowCount(), 3);
        std::uint64_t polls = 0;
        for (int r = 0; r < m->rowCount(); ++r) {
            QCOMPARE(m->index(r, TaskTableModel::State).data().toString(), QStringLiteral("done"));
            polls += m->index(r, TaskTableModel::Polls).data().toULongLong();
        }
        // Timeline model: one lane per task, one bar per poll.
        const auto& s = w.store();
        QCOMPARE(s.task_lanes().size(), std::size_t(3));
        QCOMPARE(s.polls().size(), polls);
        QCOMPARE(count_kind(s, trace::EventKind::PollStart), polls);
        for (const auto& p : s.polls())
            QVERIFY(!p.open());
        QVERIFY(w.timeline()->lane_count() == 3);
        QCOMPARE(w.log_model()->rowCount(), int(s.trace().events.size()));
        // Clicking a poll selects its task.
        const auto& p = s.polls().back();
        w.select_task(p.task, int(s.polls().size() - 1));
        QCOMPARE(w.selected_task(), p.task);
    }

    void step_advances_exactly_one_poll() {
        MainWindow w;
        w.set_quiet_errors(true);
        QVERIFY(w.select_example(QStringLiteral("spawn")));
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
        w.drain_now();
        QTRY_COMPARE_WITH_TIMEOUT((w.drain_now(), count_kind(w.store(), trace::EventKind::PollEnd)),
                                  std::size_t(4), 5000);
        // Run resumes to the end.
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        QVERIFY(done.wait(20000));
        QVERIFY(w.task_model()->rowCount() > 1);
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
        QSignalSpy opened(&v, &MainWindow::trace_opened);
        v.open_trace(dir.filePath(QStringLiteral("t.json")));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        QCOMPARE(v.store().trace().events.size(), w.store().trace().events.size());
        QCOMPARE(v.task_model()->rowCount(), w.task_model()->rowCount());
        QVERIFY(!v.running());
        QVERIFY(QImage(dir.filePath(QStringLiteral("t.png"))).width() > 100);
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

    void event_loop_counts_every_event_sent() {
        MainWindow w;
        w.set_quiet_errors(true);
        QVERIFY(w.select_example(QStringLiteral("event-loop")));
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        QTest::qWait(100);
        w.send_events(1);
        w.send_events(25);
        QTest::qWait(200);
        const int sent = w.runner()->state()->control.events_sent();
        QVERIFY(sent >= 26);
        w.shutdown();
        QVERIFY(done.wait(20000));
        QCOMPARE(done.first().at(1).toString(), QStringLiteral("%1 events handled").arg(sent));
        QVERIFY(count_kind(w.store(), trace::EventKind::Mark) > 0);
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
