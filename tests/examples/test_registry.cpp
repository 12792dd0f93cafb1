// The registry: every example is complete (title, Markdown, code, knobs),
// runs to completion with its defaults on both clocks, and its knobs refuse
// unknown names, non-numbers and values out of range.
#include "clock.h"
#include "example_registry.h"
#include "rust_links.h"

#include <QtTest>

#include <set>
#include <stdexcept>

using namespace pollscope;
using namespace pollscope::examples;

class TestRegistry : public QObject {
    Q_OBJECT
private slots:
    void idsAndContent() {
        const QStringList expected = {"timer-future",    "executor",
                                      "local-set",       "join",
                                      "select",          "spawn",
                                      "stream",          "event-loop",
                                      "blocking-worker", "mutex-across-await",
                                      "lost-waker",      "cancel-unsafe-select",
                                      "late-subscriber", "unbounded-spawn"};
        QStringList ids;
        for (const auto& e : examples::examples())
            ids << e.id;
        QCOMPARE(ids, expected);
        for (const auto& e : examples::examples()) {
            QVERIFY2(!e.title.isEmpty(), qPrintable(e.id));
            // the Markdown comes from resources/examples/<id>.md
            QVERIFY2(e.markdown.startsWith(QLatin1String("# ")) && e.markdown.size() > 200,
                     qPrintable(e.id));
            // the code panel shows the whole example file, line 1 first
            QCOMPARE(e.code_first_line, 1);
            QVERIFY2(e.code.contains(QLatin1String("namespace pollscope::examples::detail")),
                     qPrintable(e.id));
            QVERIFY(e.code_file.startsWith(QLatin1String("example_")));
            QVERIFY(e.run);
            QVERIFY2(e.knob(kVirtualTimeKnob) && e.knob(kVirtualTimeKnob)->is_flag,
                     qPrintable(e.id));
            for (const auto& k : e.knobs)
                QVERIFY2(k.min <= k.value && k.value <= k.max, qPrintable(e.id + "/" + k.id));
        }
        // the pitfalls: a "fixed" flag, off by default (the mistake first)
        for (const auto& e : examples::examples())
            if (e.title.startsWith(QLatin1String("What goes wrong")))
                QVERIFY2(e.knob("fixed") && e.knob("fixed")->is_flag && e.knob("fixed")->value == 0,
                         qPrintable(e.id));
        QVERIFY(find_example("event-loop")->interactive);
        QVERIFY(find_example("event-loop")->has_shutdown);
        QVERIFY(!find_example("join")->interactive);
        QCOMPARE(find_example("nope"), nullptr);
    }

    // Every example has an explanation and a Rust rendering, and every await
    // anchor links a line of the C++ to a line of the Rust.
    void explanationAndRustExist() {
        for (const auto& e : examples::examples()) {
            QFile md(QFileInfo(QStringLiteral(__FILE__)).absolutePath() +
                     QStringLiteral("/../../resources/examples/") + e.id + QStringLiteral(".md"));
            QVERIFY2(md.open(QIODevice::ReadOnly) && md.size() > 200, qPrintable(e.id));
            QCOMPARE(QString::fromUtf8(md.readAll()), e.markdown);
            QVERIFY2(e.rust.size() > 200, qPrintable(e.id));
            QVERIFY2(e.rust.contains(QLatin1String(".await")), qPrintable(e.id));
            QStringList unresolved;
            const auto links = examples::rust_lines_for(e.id, e.code, e.rust, &unresolved);
            QVERIFY2(unresolved.isEmpty(), qPrintable(unresolved.join('\n')));
            QVERIFY2(!links.empty(), qPrintable(e.id));
            QCOMPARE(links, e.rust_line_for_code_line);
            const QStringList code = e.code.split('\n'), rust = e.rust.split('\n');
            for (auto [from, to] : links) {
                QVERIFY2(code[from - 1].contains(QLatin1String("co_await")),
                         qPrintable(e.id + ": " + code[from - 1]));
                QVERIFY(to >= 1 && to <= rust.size());
            }
        }
        // a shared file: task_2's sleep maps to task_2's .await, not task_1's
        const auto* join = find_example("join");
        const QStringList code = join->code.split('\n'), rust = join->rust.split('\n');
        int seen = 0;
        for (auto [from, to] : join->rust_line_for_code_line)
            if (code[from - 1].contains(QLatin1String("co_await sleep(time);"))) {
                ++seen;
                QVERIFY(rust[to - 2].contains(QStringLiteral("async fn task_%1").arg(seen)));
            }
        QCOMPARE(seen, 3);
    }

    // Await sites (std::source_location) name lines of the code shown.
    void codeLinesMatchTheSource() {
        const auto* e = find_example("timer-future");
        const QStringList lines = e->code.split(QLatin1Char('\n'));
        int line = -1;
        for (int i = 0; i < lines.size(); ++i)
            if (lines[i].contains(QLatin1String("co_await timer_future;")))
                line = i + e->code_first_line;
        QVERIFY(line > 0);
        // the resource is the file the compiler saw, byte for byte
        QFile f(QFileInfo(QStringLiteral(__FILE__)).absolutePath() +
                QStringLiteral("/../../src/examples/") + e->code_file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(f.readAll()), e->code);
    }

    void allRunWithDefaults_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("virtual_time");
        for (const auto& e : examples::examples()) {
            QTest::newRow(qPrintable(e.id + " virtual")) << e.id << true;
            QTest::newRow(qPrintable(e.id + " real")) << e.id << false;
        }
    }
    void allRunWithDefaults() {
        QFETCH(QString, id);
        QFETCH(bool, virtual_time);
        const auto* e = find_example(id);
        RunSetup s;
        s.knobs[kVirtualTimeKnob] = virtual_time;
        const std::string result = e->run(s);
        QVERIFY2(!result.empty(), qPrintable(id));
        QVERIFY2(result.find("stopped") == std::string::npos, result.c_str());
        QVERIFY2(result.find("LOST") == std::string::npos, result.c_str());
    }

    void defaultResults() {
        auto run = [](const char* id) {
            RunSetup s;
            s.knobs[kVirtualTimeKnob] = 1;
            return QString::fromStdString(find_example(id)->run(s));
        };
        QCOMPARE(run("timer-future"), QString("1 timer of 10 ms completed after 10 ms"));
        QCOMPARE(run("executor"),
                 QString("1 of 1 task: hello, start timer! ... bye, timer finished!"));
        QCOMPARE(run("local-set"),
                 QString("start !SEND DATA, middle !SEND DATA, end !SEND DATA (Rc count 1)"));
        QCOMPARE(run("join"), QString("task_1, task_2, task_3, all tasks done (after 300 ms)"));
        QCOMPARE(run("select"), QString("task_1, task_1 done, one task done; 2 losers destroyed "
                                        "before select returned (after 100 ms)"));
        QVERIFY(run("spawn").startsWith("task_"));
        QVERIFY(run("spawn").contains("all tasks done (after 200 ms)")); // 100 cpu + 100 sleep
        QCOMPARE(run("stream"), QString("4 items: a b c d"));
        QCOMPARE(run("event-loop"),
                 QString("10 events sent, 10 received; shutdown receivers left: 1"));
    }

    void knobsValidate() {
        const auto* e = find_example("join");
        KnobValues v = default_knobs(*e);
        QCOMPARE(v.at("task_1"), 100);
        QCOMPARE(validate_knobs(*e, v), std::nullopt);
        QString error;
        QVERIFY(parse_knob_assignment(*e, "task_2=50", v, &error));
        QCOMPARE(v.at("task_2"), 50);
        QVERIFY(!parse_knob_assignment(*e, "nope=1", v, &error));
        QVERIFY2(error.contains("no knob 'nope'") && error.contains("task_1"), qPrintable(error));
        QVERIFY(!parse_knob_assignment(*e, "task_1=abc", v, &error));
        QVERIFY2(error.contains("not a number"), qPrintable(error));
        QVERIFY(!parse_knob_assignment(*e, "task_1=-5", v, &error));
        QVERIFY2(error.contains("out of range 0..10000 ms"), qPrintable(error));
        QVERIFY(!parse_knob_assignment(*e, "workers=0", v, &error));
        QVERIFY(!parse_knob_assignment(*e, "task_1", v, &error));
        QVERIFY(parse_knob_assignment(*e, "virtual_time=on", v, &error));
        QCOMPARE(v.at(kVirtualTimeKnob), 1);
        QVERIFY(!parse_knob_assignment(*e, "virtual_time=2", v, &error));
        QVERIFY(wants_virtual_clock(*e, v));
        QVERIFY(make_clock(*e, v)->is_virtual());
        QVERIFY(!make_clock(*e, {})->is_virtual());

        // run() refuses what validate_knobs refuses, for every example
        for (const auto& ex : examples::examples()) {
            for (const auto& k : ex.knobs) {
                for (int bad : {k.min - 1, k.max + 1}) {
                    KnobValues kv{{k.id, bad}};
                    QVERIFY(validate_knobs(ex, kv).has_value());
                    RunSetup s;
                    s.knobs = kv;
                    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ex.run(s));
                }
            }
            RunSetup s;
            s.knobs = {{"no_such_knob", 1}};
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ex.run(s));
        }
    }

    // Knob extremes that change the course of a run.
    void knobExtremes() {
        RunSetup s;
        s.knobs = {{kVirtualTimeKnob, 1}, {"tasks", 3}, {"capacity", 2}};
        QCOMPARE(QString::fromStdString(find_example("executor")->run(s)),
                 QString("2 of 3 tasks: hello, start timer! ... bye, timer finished!; 1 refused "
                         "with ChannelFull (capacity 2): in Rust, send() would block for ever "
                         "(deadlock: run() has not started)"));
        s.knobs = {{kVirtualTimeKnob, 1}, {"task_1", 300}, {"task_3", 50}};
        QVERIFY(QString::fromStdString(find_example("select")->run(s)).contains("task_3 done"));
        s.knobs = {{kVirtualTimeKnob, 1}, {"capacity", 1}, {"senders", 20}, {"events", 30}};
        QCOMPARE(QString::fromStdString(find_example("event-loop")->run(s)),
                 QString("600 events sent, 600 received; shutdown receivers left: 1"));
        s.knobs = {{kVirtualTimeKnob, 1}, {"delay", 25}};
        QCOMPARE(QString::fromStdString(find_example("stream")->run(s)),
                 QString("4 items: a b c d"));
    }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "test_registry.moc"
