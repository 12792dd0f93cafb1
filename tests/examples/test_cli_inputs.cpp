// The command line on hostile files (issue 14, items 1, 3, 5, 7): an export
// that cannot be written fails with a message and exit 1 and leaves the old
// file as it was (a full disk, injected with RLIMIT_FSIZE); a FIFO target is
// refused; --summary reads pipes, FIFOs and "-"; a trace whose time span
// overflows is refused instead of summarised as "-1ns".
#include "cli.h"

#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <cstdio>
#include <thread>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

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

QByteArray read_all(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<unreadable>");
}

bool write_all(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

const QStringList kSmallRun = {"--run", "timer-future", "--virtual-time", "--export"};
} // namespace

class TestCliInputs : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

    QString exported() {
        const QString path = dir_.filePath(QStringLiteral("run.json"));
        if (!QFile::exists(path)) {
            auto r = cli_run(kSmallRun + QStringList{path});
            if (r.code != 0)
                qWarning() << r.err;
        }
        return path;
    }

private slots:
    void full_disk_fails_and_keeps_the_old_file() {
        const QString path = dir_.filePath(QStringLiteral("old.json"));
        const QByteArray old_bytes("an earlier export\n");
        QVERIFY(write_all(path, old_bytes));
        rlimit saved{};
        getrlimit(RLIMIT_FSIZE, &saved);
        auto* old_handler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit small = saved;
        small.rlim_cur = 256;
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
        auto r = cli_run(kSmallRun + QStringList{path});
        setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, old_handler);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("cannot write")), qPrintable(r.err));
        QVERIFY2(!r.out.contains(QStringLiteral("events written")), qPrintable(r.out));
        QCOMPARE(read_all(path), old_bytes);
    }

    void fifo_export_target_is_refused() {
        const QString fifo = dir_.filePath(QStringLiteral("out.fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        auto r = cli_run(kSmallRun + QStringList{fifo});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("not a regular file")), qPrintable(r.err));
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(fifo).constData(), &st), 0);
        QVERIFY(S_ISFIFO(st.st_mode));
    }

    void summary_of_a_fifo() {
        const QByteArray bytes = read_all(exported());
        QVERIFY(bytes.size() > 100);
        const QString fifo = dir_.filePath(QStringLiteral("in.fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        std::thread writer([&] { write_all(fifo, bytes); });
        auto r = cli_run({"--summary", fifo});
        writer.join();
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral(" events, ")), qPrintable(r.out + r.err));
    }

    void summary_of_stdin() {
        const QByteArray bytes = read_all(exported());
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        const int saved_stdin = ::dup(0);
        ::dup2(fds[0], 0);
        ::close(fds[0]);
        std::thread writer([&] {
            (void)!::write(fds[1], bytes.constData(), size_t(bytes.size()));
            ::close(fds[1]);
        });
        auto r = cli_run({"--summary", "-"});
        writer.join();
        ::dup2(saved_stdin, 0);
        ::close(saved_stdin);
        std::clearerr(stdin);
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral(" events, ")), qPrintable(r.out + r.err));
    }

    void summary_refuses_a_time_span_beyond_int64() {
        const QString path = dir_.filePath(QStringLiteral("span.json"));
        QVERIFY(write_all(
            path,
            R"({"pollscope":{"format":"pollscope-trace","version":1,"strings":[""],"locations":[[0,0,0,0]],"threads":[[1,0,0]],"events":[[-9000000000000000000,1,0,0,0,0,0],[9000000000000000000,1,2,0,0,0,0]]}})"));
        auto r = cli_run({"--summary", path});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("span")), qPrintable(r.err));
        QVERIFY(!r.out.contains(QStringLiteral("-1ns")));
    }
};

QTEST_GUILESS_MAIN(TestCliInputs)
#include "test_cli_inputs.moc"
