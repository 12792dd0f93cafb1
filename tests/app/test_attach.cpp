// Attach (issue 15, item 3): the window shows a program of the user's live,
// over the socket its Recording serves on. This test binary is also that
// program: run with --serve-child it records a fan-out of tasks and serves it.
// The window receives every event the program recorded (the program's own
// count, printed when it ends); a program killed mid-stream (SIGKILL) leaves
// the window with what it received, marked disconnected; the window's
// Shutdown reaches the program's handler; bad sockets give a clear error.
// A program with a step gate is paused and stepped from the window poll by
// poll, and runs freely again when the window leaves it paused.
#include "main_window.h"
#include "run_controller.h"
#include "stream_client.h"
#include "timeline_scene.h"
#include "timeline_view.h"
#include "trace_store.h"

#include "fan_out_workload.h"
#include "recording.h"
#include "run_until.h"
#include "runtime.h"

#include <QAction>
#include <QApplication>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace pollscope;
using namespace pollscope::app;

namespace {

/// Tells the test the program listens (its server thread runs): the socket
/// file appears at bind(), a moment before listen().
void announce_serving() {
    std::printf("serving\n");
    std::fflush(stdout);
}

/// The program: serves on `path` (with a step gate: `step`), waits for the
/// window, records rounds of a fan-out (one, or until asked to shut down),
/// prints how many events it recorded, and ends its recording.
int serve_child(const char* path, bool until_shutdown, bool step = false) {
    trace::Recording recording("", trace::RecordingOptions{.serve = path, .step_gate = step});
    std::atomic<bool> stop{false};
    if (until_shutdown)
        recording.on_shutdown_request([&stop] { stop.store(true); });
    announce_serving();
    if (!recording.wait_for_viewer(std::chrono::seconds(60))) {
        std::fprintf(stderr, "no viewer attached\n");
        return 3;
    }
    {
        Runtime rt({.workers = 2});
        do
            rt.block_on(test::fan_out(100, 5, "crawl"), "main");
        while (until_shutdown && !stop.load());
    }
    std::printf("recorded %zu\n", recording.recorder().snapshot().events.size());
    std::fflush(stdout);
    return recording.finish() ? 0 : 1;
}

/// The program in ring mode with a small ring: it records rounds of a fan-out
/// far beyond the ring and prints how many events the ring dropped.
int serve_ring_child(const char* path) {
    trace::Recording recording("", trace::RecordingOptions{.ring_capacity = 1024, .serve = path});
    announce_serving();
    if (!recording.wait_for_viewer(std::chrono::seconds(60))) {
        std::fprintf(stderr, "no viewer attached\n");
        return 3;
    }
    {
        Runtime rt({.workers = 2});
        for (int i = 0; i < 20; ++i)
            rt.block_on(test::fan_out(100, 5, "crawl"), "main");
    }
    std::printf("dropped %llu\n", static_cast<unsigned long long>(recording.dropped()));
    std::fflush(stdout);
    return recording.finish() ? 0 : 1;
}

/// The serving program, started with posix_spawn: QProcess forks with vfork
/// semantics, which ThreadSanitizer takes for a fork of this (multithreaded)
/// process, and it then refuses every thread the window starts.
class Child {
public:
    Child() = default;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_ >= 0)
            ::close(out_);
    }
    bool start(const QString& mode, const QString& socket) {
        int pipe_fds[2];
        if (::pipe(pipe_fds) != 0)
            return false;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
        posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
        const QByteArray program = QCoreApplication::applicationFilePath().toLocal8Bit();
        const QByteArray m = mode.toLocal8Bit(), s = socket.toLocal8Bit();
        char* argv[] = {const_cast<char*>(program.constData()), const_cast<char*>(m.constData()),
                        const_cast<char*>(s.constData()), nullptr};
        const int r = ::posix_spawn(&pid_, program.constData(), &actions, nullptr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(pipe_fds[1]);
        out_ = pipe_fds[0];
        ::fcntl(out_, F_SETFL, O_NONBLOCK);
        return r == 0;
    }
    void kill() const { ::kill(pid_, SIGKILL); }
    /// Whether the child printed `what` within `ms` (the event loop runs meanwhile).
    bool wait_said(const QByteArray& what, int ms) {
        return test::run_until(
            [&] {
                read_available();
                return out_text_.contains(what);
            },
            ms);
    }
    /// Whether it has exited (reaps it; the event loop runs meanwhile).
    bool wait_exit(int ms) {
        return test::run_until(
            [&] {
                if (!exited_ && ::waitpid(pid_, &status_, WNOHANG) == pid_)
                    exited_ = true;
                return exited_;
            },
            ms);
    }
    int exit_code() const { return exited_ && WIFEXITED(status_) ? WEXITSTATUS(status_) : -1; }
    /// The events the child said it recorded (after it exited).
    qulonglong recorded_count() { return said("recorded "); }
    /// The number the child printed after `what` (after it exited).
    qulonglong said(const QByteArray& what) {
        read_available();
        const auto at = out_text_.indexOf(what);
        return at < 0 ? 0 : out_text_.mid(at + what.size()).split('\n').first().toULongLong();
    }

private:
    /// Reads what the child printed so far (its pipe does not block).
    void read_available() {
        char buf[256];
        for (ssize_t n; (n = ::read(out_, buf, sizeof buf)) > 0;)
            out_text_.append(buf, int(n));
    }

    pid_t pid_ = -1;
    int out_ = -1;
    QByteArray out_text_; // what it printed, read so far
    int status_ = 0;
    bool exited_ = false;
};

} // namespace

class TestAttach : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

    /// Starts this binary as the serving program and waits for its socket.
    void start_child(Child& child, const QString& socket, const char* mode) {
        QVERIFY(child.start(QString::fromLatin1(mode), socket));
        QVERIFY(child.wait_said("serving\n", 30000));
        QVERIFY(QFileInfo(socket).exists());
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_attach"));
        QVERIFY(dir_.isValid());
    }

    void window_receives_every_event_of_the_program() {
        const QString socket = dir_.filePath(QStringLiteral("every.sock"));
        Child child;
        start_child(child, socket, "--serve-child");
        MainWindow w;
        w.set_quiet_errors(true);
        QSignalSpy finished(&w, &MainWindow::run_finished);
        QVERIFY(w.attach(socket));
        QVERIFY(w.windowTitle().contains(QStringLiteral("attached")));
        QVERIFY(finished.wait(60000));
        QVERIFY(child.wait_exit(30000));
        QCOMPARE(child.exit_code(), 0);
        const qulonglong recorded = child.recorded_count();
        QVERIFY(recorded > 1000);
        QCOMPARE(qulonglong(w.store().trace().events.size()), recorded);
        QVERIFY2(finished.first().at(1).toString().contains(QStringLiteral("ended its recording")),
                 qPrintable(finished.first().at(1).toString()));
        // Nothing was lost: no warning.
        const auto* stream_text = w.findChild<QLabel*>(QStringLiteral("streamText"));
        QVERIFY2(stream_text->text() == QStringLiteral("%1 events received").arg(recorded),
                 qPrintable(stream_text->text()));
        QVERIFY(!w.windowTitle().contains(QStringLiteral("dropped")));
        // The task table shows the program's tasks: main and its 100 children.
        w.refresh_stats();
        QCOMPARE(w.task_model()->rowCount(), 101);
    }

    void program_killed_mid_stream_leaves_what_came() {
        const QString socket = dir_.filePath(QStringLiteral("killed.sock"));
        Child child;
        start_child(child, socket, "--serve-until-shutdown");
        MainWindow w;
        w.set_quiet_errors(true);
        QSignalSpy finished(&w, &MainWindow::run_finished);
        QVERIFY(w.attach(socket));
        QVERIFY(test::run_until([&] { return w.store().trace().events.size() > 5000; }, 60000));
        QVERIFY2(w.run_controller()->attached_live(),
                 qPrintable(QString::fromStdString(w.run_controller()->stream()->problem())));
        child.kill(); // SIGKILL: no end frame, no clean close by the program
        QVERIFY(child.wait_exit(30000));
        QVERIFY(!finished.isEmpty() || finished.wait(30000)); // (may have come already)
        QVERIFY2(finished.first().at(1).toString().contains(QStringLiteral("disconnected")),
                 qPrintable(finished.first().at(1).toString()));
        QVERIFY(w.windowTitle().contains(QStringLiteral("disconnected")));
        QVERIFY(!w.run_controller()->attached_live());
        // Everything received is kept, and shown.
        const auto kept = w.store().trace().events.size();
        QVERIFY(kept > 5000);
        QCOMPARE(qulonglong(kept), qulonglong(w.run_controller()->stream()->events()));
        w.refresh_stats();
        QVERIFY(w.task_model()->rowCount() > 1);
        // The timeline paints what was kept.
        // (Painted into an image, not shown: showing a window makes Qt convert
        // images on its own thread pool, whose locks ThreadSanitizer cannot see.)
        auto* timeline = w.timeline();
        timeline->resize(1200, 600);
        timeline->set_record_scene(true);
        timeline->fit();
        QImage image(timeline->size(), QImage::Format_RGB32);
        {
            QPainter painter(&image);
            timeline->render_to(painter);
        }
        QVERIFY(!timeline->last_scene().glyphs.empty());
        QCOMPARE(w.store().trace().events.size(), kept);
    }

    void shutdown_reaches_the_program() {
        const QString socket = dir_.filePath(QStringLiteral("shutdown.sock"));
        Child child;
        start_child(child, socket, "--serve-until-shutdown");
        MainWindow w;
        w.set_quiet_errors(true);
        QSignalSpy finished(&w, &MainWindow::run_finished);
        QVERIFY(w.attach(socket));
        QVERIFY(w.run_controller()->stream()->hello().can_shutdown);
        // No step gate: Pause and Step stay off for this program.
        QVERIFY(!w.run_controller()->stream()->hello().can_step);
        QVERIFY(!w.findChild<QAction*>(QStringLiteral("actionStep"))->isEnabled());
        QVERIFY(!w.findChild<QAction*>(QStringLiteral("actionPause"))->isEnabled());
        QVERIFY(test::run_until([&] { return w.store().trace().events.size() > 1000; }, 60000));
        w.shutdown();
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().at(1).toString().contains(QStringLiteral("ended its recording")),
                 qPrintable(finished.first().at(1).toString()));
        QVERIFY(child.wait_exit(30000));
        QCOMPARE(child.exit_code(), 0);
        QCOMPARE(qulonglong(w.store().trace().events.size()), child.recorded_count());
    }

    void program_is_paused_and_stepped_poll_by_poll() {
        const QString socket = dir_.filePath(QStringLiteral("step.sock"));
        Child child;
        start_child(child, socket, "--serve-step");
        MainWindow w;
        w.set_quiet_errors(true);
        QSignalSpy finished(&w, &MainWindow::run_finished);
        QVERIFY(w.attach(socket));
        const auto* stream = w.run_controller()->stream();
        QVERIFY(stream->hello().can_step);
        const auto action = [&](const char* name) {
            return w.findChild<QAction*>(QString::fromLatin1(name));
        };
        // The example's actions, for the program's polls.
        QVERIFY(action("actionPause")->isEnabled());
        QVERIFY(action("actionStep")->isEnabled());
        QVERIFY(action("actionToggleRun")->isEnabled());
        QVERIFY(test::run_until([&] { return w.store().trace().events.size() > 1000; }, 60000));
        const auto poll_starts = [&] {
            const auto& events = w.store().trace().events;
            return std::uint64_t(std::count_if(events.begin(), events.end(), [](const auto& e) {
                return e.kind == trace::EventKind::PollStart;
            }));
        };
        // Held: a worker waits at the gate, and every poll that passed it
        // before has arrived (the gate counts them exactly).
        const auto held_at = [&](std::uint64_t passed) {
            const auto g = stream->gate();
            return g.paused && g.waiting > 0 && (passed == 0 || g.passed == passed) &&
                   poll_starts() == g.passed;
        };
        w.pause();
        QVERIFY(test::run_until([&] { return held_at(0); }, 60000));
        const std::uint64_t before = stream->gate().passed;
        QVERIFY(!action("actionPause")->isEnabled());
        QVERIFY(action("actionRun")->isEnabled());
        QCOMPARE(action("actionRun")->text(), QStringLiteral("Resume"));
        QVERIFY(test::run_until(
            [&] {
                return w.findChild<QLabel*>(QStringLiteral("statusText"))
                    ->text()
                    .contains(QStringLiteral("Paused before polling"));
            },
            30000));
        constexpr int n = 3;
        for (int i = 0; i < n; ++i)
            w.step();
        QVERIFY(test::run_until([&] { return held_at(before + n); }, 60000));
        QCOMPARE(poll_starts(), before + n); // exactly n more polls started
        // Run: the polls flow again.
        w.run();
        QVERIFY(test::run_until([&] { return poll_starts() > before + n + 1000; }, 60000));
        QVERIFY(!stream->gate().paused);
        w.shutdown();
        QVERIFY(finished.wait(60000));
        QVERIFY(child.wait_exit(30000));
        QCOMPARE(child.exit_code(), 0);
        QCOMPARE(qulonglong(w.store().trace().events.size()), child.recorded_count());
        // The stream is over: nothing to step any more.
        QVERIFY(!action("actionStep")->isEnabled());
        QVERIFY(!action("actionPause")->isEnabled());
    }

    void leaving_a_paused_program_lets_it_finish() {
        const QString socket = dir_.filePath(QStringLiteral("leave.sock"));
        Child child;
        start_child(child, socket, "--serve-step");
        MainWindow w;
        w.set_quiet_errors(true);
        QVERIFY(w.attach(socket));
        QVERIFY(test::run_until([&] { return w.store().trace().events.size() > 1000; }, 60000));
        w.pause();
        const auto* stream = w.run_controller()->stream();
        QVERIFY(test::run_until([&] { return stream->gate().paused && stream->gate().waiting > 0; },
                                60000));
        // Asked to end while held at the gate, it cannot until it is let go:
        // the window leaves (Reset detaches) without pressing Run.
        w.shutdown();
        w.reset();
        QVERIFY(!w.run_controller()->stream());
        QVERIFY(child.wait_exit(60000));
        QCOMPARE(child.exit_code(), 0);
    }

    void dropped_events_are_shown() {
        const QString socket = dir_.filePath(QStringLiteral("ring.sock"));
        Child child;
        start_child(child, socket, "--serve-ring");
        MainWindow w;
        w.set_quiet_errors(true);
        QSignalSpy finished(&w, &MainWindow::run_finished);
        QVERIFY(w.attach(socket));
        auto* text = w.findChild<QLabel*>(QStringLiteral("streamText"));
        QVERIFY(text && !text->isHidden());
        QVERIFY(finished.wait(60000));
        QVERIFY(child.wait_exit(30000));
        QCOMPARE(child.exit_code(), 0);
        const qulonglong dropped = child.said("dropped ");
        QVERIFY(dropped > 0); // 20 rounds of about 2000 events through a ring of 1024
        const auto* stream = w.run_controller()->stream();
        QCOMPARE(qulonglong(stream->dropped()), dropped);
        QVERIFY2(text->text().contains(QStringLiteral("ring dropped %1").arg(dropped)),
                 qPrintable(text->text()));
        QVERIFY2(text->text().contains(QStringLiteral("%1 events received").arg(stream->events())),
                 qPrintable(text->text()));
        if (stream->missed() > 0) {
            QVERIFY(
                text->text().contains(QStringLiteral("%1 of them before they reached this window")
                                          .arg(stream->missed())));
            QVERIFY2(
                w.windowTitle().contains(QStringLiteral("%1 events missed").arg(stream->missed())),
                qPrintable(w.windowTitle()));
        } else {
            QVERIFY2(w.windowTitle().contains(QStringLiteral("%1 events dropped").arg(dropped)),
                     qPrintable(w.windowTitle()));
        }
        QVERIFY(w.windowTitle().contains(QStringLiteral("ended")));
        // A program that lost nothing shows no warning (window_receives_every_event...).
        w.reset();
        QVERIFY(text->isHidden());
    }

    void bad_socket_is_a_clear_error() {
        MainWindow w;
        w.set_quiet_errors(true);
        QSignalSpy errors(&w, &MainWindow::error_reported);
        QVERIFY(!w.attach(dir_.filePath(QStringLiteral("nobody.sock"))));
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.first().at(1).toString().contains(QStringLiteral("no such socket")),
                 qPrintable(errors.first().at(1).toString()));
        QVERIFY(!w.run_controller()->stream());
    }
};

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--serve-child")
        return serve_child(argv[2], false);
    if (argc == 3 && std::string(argv[1]) == "--serve-until-shutdown")
        return serve_child(argv[2], true);
    if (argc == 3 && std::string(argv[1]) == "--serve-ring")
        return serve_ring_child(argv[2]);
    if (argc == 3 && std::string(argv[1]) == "--serve-step")
        return serve_child(argv[2], true, true);
    QApplication app(argc, argv);
    TestAttach test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "test_attach.moc"
