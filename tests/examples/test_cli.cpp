// The headless command line, called as a function: --list, --run with knobs
// and export, --summary of the export, --help/--version, and the errors
// (unknown id, bad knobs, unwritable paths, malformed traces): a message on
// stderr and a non-zero exit.
#include "cli.h"
#include "example_registry.h"
#include "trace_file.h"

#include <QtTest>

using namespace pollscope;

namespace {
struct Out {
    int code = -1;
    bool handled = false;
    QString out, err;
};

Out cli_run(QStringList args, cli::WindowOptions* window = nullptr) {
    args.prepend(QStringLiteral("pollscope"));
    Out o;
    QTextStream out(&o.out), err(&o.err);
    auto code = cli::run(args, out, err, window);
    out.flush();
    err.flush();
    o.handled = code.has_value();
    o.code = code.value_or(-1);
    return o;
}
} // namespace

class TestCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

private slots:
    void tableShowsPollPercentiles() {
        trace::Trace t;
        trace::TraceStats stats;
        trace::TaskStats task;
        task.id = 7;
        task.name = "worker_loop";
        task.polls = 3;
        task.poll_times.p50 = 1'500;     // 1.5 µs
        task.poll_times.p99 = 2'500'000; // 2.5 ms
        stats.tasks.push_back(task);
        const QString table = cli::task_table(t, stats);
        QVERIFY2(table.contains(QRegularExpression("worker_loop .* 1\\.50µs +2\\.50ms ")),
                 qPrintable(table));
    }

    void guiArgumentsFallThrough() {
        cli::WindowOptions none;
        QVERIFY(!cli_run({}, &none).handled);
        QVERIFY(none.example.isEmpty() && !none.start && none.trace.isEmpty());
        cli::WindowOptions ex;
        QVERIFY(!cli_run({"--example", "join", "--start"}, &ex).handled);
        QCOMPARE(ex.example, QStringLiteral("join"));
        QVERIFY(ex.start);
        QVERIFY(ex.trace.isEmpty());
        cli::WindowOptions tr;
        QVERIFY(!cli_run({"trace.json"}, &tr).handled);
        QCOMPARE(tr.trace, QStringLiteral("trace.json"));
        // Qt's own window options pass through to QApplication.
        cli::WindowOptions qt;
        QVERIFY(!cli_run({"-platform", "offscreen", "-reverse", "t.json"}, &qt).handled);
        QCOMPARE(qt.trace, QStringLiteral("t.json"));
    }

    void usageErrorsBeforeAnyWindow() {
        // Each: exit 2, the first line names the mistake, then the usage.
        const QList<QPair<QStringList, QString>> cases = {
            {{"--bogus"}, "Unknown option 'bogus'."},
            {{"--lsit"}, "Unknown option 'lsit'."},
            {{"--example", "join", "--bogus", "t.json"}, "Unknown option 'bogus'."},
            {{"--example"}, "Missing value after '--example'."},
            {{"--run"}, "Missing value after '--run'."},
            {{"--workers", "3"}, "--workers needs --run ID"},
            {{"--export", "x.json"}, "--export needs --run ID"},
            {{"--summary", "x.json", "--workers", "2"}, "--workers needs --run ID"},
            {{"--list", "--set", "a=1"}, "--set needs --run ID"},
            {{"a.json", "b.json"}, "one trace file at most (got a.json, b.json)"},
            {{"--start", "a.json"},
             "--start runs an example; it does not combine with a trace file"},
        };
        for (const auto& [args, message] : cases) {
            cli::WindowOptions w;
            auto r = cli_run(args, &w);
            QVERIFY2(r.handled, qPrintable(args.join(' ')));
            QCOMPARE(r.code, 2);
            QVERIFY(r.out.isEmpty());
            QCOMPARE(r.err.section('\n', 0, 0), "pollscope: " + message);
            QVERIFY2(r.err.contains("Usage: pollscope"), qPrintable(r.err));
        }
        auto unknown = cli_run({"--example", "nope"});
        QCOMPARE(unknown.code, 2);
        QVERIFY2(unknown.err.startsWith("pollscope: no example 'nope'; ids: timer-future"),
                 qPrintable(unknown.err));
    }

    void listHelpVersion() {
        auto l = cli_run({"--list"});
        QCOMPARE(l.code, 0);
        QVERIFY(l.out.contains(QRegularExpression("^timer-future +1\\. ")));
        QVERIFY(l.out.contains("event-loop"));
        QCOMPARE(l.out.count('\n'), 14); // 8 of the article, 6 that go wrong
        auto h = cli_run({"--help"});
        QCOMPARE(h.code, 0);
        QVERIFY(h.out.contains("--run ID") && h.out.contains("--summary FILE"));
        QVERIFY(h.err.isEmpty());
        // Every example and every knob of it, and sample command lines.
        for (const auto& e : examples::examples()) {
            QVERIFY2(h.out.contains(QRegularExpression("\\n  " + QRegularExpression::escape(e.id) +
                                                       " +" + QRegularExpression::escape(e.title))),
                     qPrintable(e.id));
            for (const auto& k : e.knobs)
                QVERIFY2(h.out.contains(k.id), qPrintable(e.id + ": " + k.id));
        }
        QVERIFY(h.out.contains("Sample command lines:\n  pollscope --run "));
        auto v = cli_run({"--version"});
        QCOMPARE(v.code, 0);
        QCOMPARE(v.out, QStringLiteral("pollscope %1\n").arg(POLLSCOPE_EXPECTED_VERSION));
    }

    void runExportAndSummary() {
        const QString path = dir_.filePath("join.json");
        auto r = cli_run({"--run", "join", "--virtual-time", "--set", "task_3=500", "--workers",
                          "2", "--export", path});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.err.isEmpty());
        // the table: header and the one task
        QVERIFY(r.out.contains(QRegularExpression("ID +NAME +STATE +POLLS +WAKES +BUSY +IDLE "
                                                  "+SCHED +POLL P50 +POLL P99 +LOCATION +WARN")));
        // on the virtual clock a poll takes no time: its percentiles are 0
        QVERIFY2(
            r.out.contains(QRegularExpression("test_join +done +4 +3 +0ns +500\\.00ms +0ns +0ns "
                                              "+0ns +example_join_select_spawn\\.cpp:\\d+ +-")),
            qPrintable(r.out));
        QVERIFY(r.out.contains("join: task_1, task_2, task_3, all tasks done (after 500 ms)"));
        QVERIFY(QFile::exists(path));
        auto t = trace::load_trace(path);
        QVERIFY(t && t->virtual_time);

        auto s = cli_run({"--summary", path});
        QVERIFY2(s.code == 0, qPrintable(s.err));
        QVERIFY(s.out.contains("test_join"));
        QVERIFY(s.out.contains("(virtual time)"));
        QVERIFY(s.out.contains("no warnings"));

        const QString csv = dir_.filePath("select.csv");
        auto c =
            cli_run({"--run", "select", "--virtual-time", "--set", "spawned=1", "--export", csv});
        QCOMPARE(c.code, 0);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("cancel"));
        QVERIFY(c.out.contains(QRegularExpression("task_2 +cancelled")));

        // without --export: the table and the result only
        auto n = cli_run({"--run", "stream", "--virtual-time"});
        QCOMPARE(n.code, 0);
        QVERIFY(n.out.contains("stream: 4 items: a b c d"));
    }

    void badIdKnobsPaths() {
        auto id = cli_run({"--run", "nope"});
        QCOMPARE(id.code, 2);
        QVERIFY(id.err.contains("no example 'nope'") && id.err.contains("event-loop"));
        auto unknown = cli_run({"--run", "join", "--set", "speed=3"});
        QCOMPARE(unknown.code, 2);
        QVERIFY2(unknown.err.contains("no knob 'speed'"), qPrintable(unknown.err));
        auto range = cli_run({"--run", "join", "--set", "task_1=99999"});
        QCOMPARE(range.code, 2);
        QVERIFY(range.err.contains("out of range"));
        auto nan = cli_run({"--run", "join", "--workers", "many"});
        QCOMPARE(nan.code, 2);
        QVERIFY(nan.err.contains("not a number"));
        auto zero = cli_run({"--run", "spawn", "--workers", "0"});
        QCOMPARE(zero.code, 2);
        auto noworkers = cli_run({"--run", "stream", "--workers", "2"});
        QCOMPARE(noworkers.code, 2); // stream runs on one worker: no such knob
        auto format = cli_run({"--run", "join", "--format", "xml", "--export", "x"});
        QCOMPARE(format.code, 2);
        QVERIFY(format.err.contains("unknown format 'xml'"));
        auto path = cli_run({"--run", "join", "--virtual-time", "--export",
                             "/nonexistent-dir/for/sure/trace.json"});
        QCOMPARE(path.code, 1);
        QVERIFY2(path.err.contains("cannot write '/nonexistent-dir/for/sure/trace.json'"),
                 qPrintable(path.err));
        QVERIFY(path.out.isEmpty()); // refused before running
        auto missing = cli_run({"--run"});
        QCOMPARE(missing.code, 2);
        QVERIFY(!missing.err.isEmpty());
        auto both = cli_run({"--list", "--summary", "x.json"});
        QCOMPARE(both.code, 2);
        auto mixed = cli_run({"--list", "--example", "join"});
        QCOMPARE(mixed.code, 2);
    }

    void summaryErrors() {
        auto none = cli_run({"--summary", dir_.filePath("absent.json")});
        QCOMPARE(none.code, 1);
        QVERIFY(none.err.contains("absent.json"));
        const QString bad = dir_.filePath("bad.json");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"pollscope\": {\"format\": \"pollscope-trace\", \"version\": 1,\n \"events\": "
                "[[1, 2,");
        f.close();
        auto m = cli_run({"--summary", bad});
        QCOMPARE(m.code, 1);
        QVERIFY2(m.err.contains("line"), qPrintable(m.err)); // names where
        QVERIFY(m.out.isEmpty());
    }

    void formatDuration() {
        QCOMPARE(cli::format_duration(0), QString("0ns"));
        QCOMPARE(cli::format_duration(999), QString("999ns"));
        QCOMPARE(cli::format_duration(1500), QString("1.50µs"));
        QCOMPARE(cli::format_duration(300'000'000), QString("300.00ms"));
        QCOMPARE(cli::format_duration(2'500'000'000), QString("2.50s"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
