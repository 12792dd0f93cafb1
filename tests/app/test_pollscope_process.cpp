// The built `pollscope` binary run as a person runs it, with no display at all
// (DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM unset): a mistake on the
// command line is a usage message and exit 2, never a Qt abort; --version
// prints project(VERSION).
#include <QProcess>
#include <QtTest>

namespace {
struct Result {
    int code = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out, err;
};

Result run_pollscope(const QStringList& args) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QString::fromLatin1(name));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(POLLSCOPE_BINARY), args);
    Result r;
    if (!p.waitForFinished(60'000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.code = p.exitCode();
    r.status = p.exitStatus();
    r.out = QString::fromLocal8Bit(p.readAllStandardOutput());
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    return r;
}
} // namespace

class TestPollscopeProcess : public QObject {
    Q_OBJECT
private slots:
    void unknownOptionWithoutDisplay() {
        for (const QString& bogus : {QStringLiteral("--bogus"), QStringLiteral("--lsit")}) {
            const Result r = run_pollscope({bogus});
            QCOMPARE(r.status, QProcess::NormalExit);
            QCOMPARE(r.code, 2);
            QVERIFY(r.out.isEmpty());
            QCOMPARE(r.err.section('\n', 0, 0),
                     QStringLiteral("pollscope: Unknown option '%1'.").arg(bogus.mid(2)));
            QVERIFY2(r.err.contains("\nUsage: pollscope"), qPrintable(r.err));
        }
    }

    void missingValueAndUnknownExampleWithoutDisplay() {
        const Result missing = run_pollscope({QStringLiteral("--example")});
        QCOMPARE(missing.status, QProcess::NormalExit);
        QCOMPARE(missing.code, 2);
        QCOMPARE(missing.err.section('\n', 0, 0),
                 QStringLiteral("pollscope: Missing value after '--example'."));
        const Result nope = run_pollscope({QStringLiteral("--example"), QStringLiteral("nope")});
        QCOMPARE(nope.status, QProcess::NormalExit);
        QCOMPARE(nope.code, 2);
        QVERIFY2(nope.err.startsWith("pollscope: no example 'nope'"), qPrintable(nope.err));
    }

    void versionIsTheProjectVersion() {
        const Result r = run_pollscope({QStringLiteral("--version")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QStringLiteral("pollscope " POLLSCOPE_EXPECTED_VERSION "\n"));
    }
};

QTEST_GUILESS_MAIN(TestPollscopeProcess)
#include "test_pollscope_process.moc"
