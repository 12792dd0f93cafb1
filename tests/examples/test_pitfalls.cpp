// The "What goes wrong" examples through the command line, as
// `pollscope --run ID --virtual-time [--set fixed=1]` runs them: the mistake
// prints its warning (and only the expected kinds), the fix prints none, and
// each result tells what happened. Every run ends by itself (hangs included).
#include "cli.h"
#include "example_registry.h"

#include <QtTest>

using namespace pollscope;

namespace {
struct Out {
    int code = -1;
    QString out, err;
};

Out cli_run(QStringList args) {
    args.prepend(QStringLiteral("pollscope"));
    Out o;
    QTextStream out(&o.out), err(&o.err);
    o.code = cli::run(args, out, err).value_or(-1);
    out.flush();
    err.flush();
    return o;
}

/// The warnings section's lines ("  task N: kind: message").
QStringList warnings_of(const QString& out) {
    const auto at = out.indexOf(QLatin1String("\nwarnings:\n"));
    if (at < 0)
        return {};
    QStringList lines;
    for (const auto& l : out.mid(at + 11).split(QLatin1Char('\n')))
        if (l.startsWith(QLatin1String("  task ")))
            lines << l;
    return lines;
}

/// The result line "ID: ...".
QString result_of(const QString& out, const QString& id) {
    for (const auto& l : out.split(QLatin1Char('\n')))
        if (l.startsWith(id + QLatin1String(": ")))
            return l.mid(id.size() + 2);
    return {};
}
} // namespace

class TestPitfalls : public QObject {
    Q_OBJECT
private slots:
    void listed() {
        auto o = cli_run({"--list"});
        QCOMPARE(o.code, 0);
        for (const char* id : {"blocking-worker", "mutex-across-await", "lost-waker",
                               "cancel-unsafe-select", "late-subscriber", "unbounded-spawn"})
            QVERIFY2(
                o.out.contains(QRegularExpression(QStringLiteral("^%1 +What goes wrong").arg(id),
                                                  QRegularExpression::MultilineOption)),
                id);
    }

    void mistakeWarnsFixDoesNot_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("warning");        // the kind the mistake must show
        QTest::addColumn<QString>("mistake_result"); // a part of the mistake's result
        QTest::addColumn<QString>("fixed_result");   // a part of the fix's result
        QTest::newRow("blocking-worker") << "blocking-worker"
                                         << "long poll"
                                         << "3 files copied after 600 ms"
                                         << "3 files copied after 300 ms";
        QTest::newRow("mutex-across-await") << "mutex-across-await"
                                            << "long poll"
                                            << "gave up after 1000 ms"
                                            << "a updated, b updated (after 100 ms)";
        QTest::newRow("lost-waker") << "lost-waker"
                                    << "lost waker"
                                    << "0 of 1 task finished"
                                    << "1 of 1 task finished";
        QTest::newRow("cancel-unsafe-select") << "cancel-unsafe-select"
                                              << "lost message"
                                              << "5 sent, 3 stored, 2 lost"
                                              << "5 sent, 5 stored, 0 lost";
        QTest::newRow("late-subscriber") << "late-subscriber"
                                         << "stuck"
                                         << "loop_b subscribed after the signal"
                                         << "both loops ended on the one signal";
        QTest::newRow("unbounded-spawn") << "unbounded-spawn"
                                         << "task flood"
                                         << "500 events handled"
                                         << "500 events handled";
    }
    void mistakeWarnsFixDoesNot() {
        QFETCH(QString, id);
        QFETCH(QString, warning);
        QFETCH(QString, mistake_result);
        QFETCH(QString, fixed_result);

        auto bad = cli_run({"--run", id, "--virtual-time"});
        QVERIFY2(bad.code == 0, qPrintable(bad.err));
        const QStringList ws = warnings_of(bad.out);
        QVERIFY2(!ws.filter(QStringLiteral(": %1: ").arg(warning)).isEmpty(), qPrintable(bad.out));
        QVERIFY2(result_of(bad.out, id).contains(mistake_result), qPrintable(bad.out));

        auto good = cli_run({"--run", id, "--virtual-time", "--set", "fixed=1"});
        QVERIFY2(good.code == 0, qPrintable(good.err));
        QVERIFY2(warnings_of(good.out).isEmpty(), qPrintable(good.out));
        QVERIFY2(good.out.contains("\nno warnings\n"), qPrintable(good.out));
        QVERIFY2(result_of(good.out, id).contains(fixed_result), qPrintable(good.out));
    }

    // The flood is measured, not assumed: the mistake's peak grows with the
    // events, the fix's stays at one consumer.
    void unboundedSpawnPeak() {
        auto bad = cli_run({"--run", "unbounded-spawn", "--virtual-time"});
        const QString r = result_of(bad.out, "unbounded-spawn");
        QRegularExpression peak("at most (\\d+) handler tasks");
        auto m = peak.match(r);
        QVERIFY2(m.hasMatch(), qPrintable(r));
        QVERIFY2(m.captured(1).toInt() > 300, qPrintable(r)); // ~375: 500 - 500/4
        auto good = cli_run({"--run", "unbounded-spawn", "--virtual-time", "--set", "fixed=1"});
        QVERIFY(result_of(good.out, "unbounded-spawn").contains("at most 1 consumer task"));
    }
};

QTEST_GUILESS_MAIN(TestPitfalls)
#include "test_pitfalls.moc"
