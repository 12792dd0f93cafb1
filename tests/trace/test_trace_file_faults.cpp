// Saving and opening trace files when the file system is hostile (issue 14,
// items 1, 3, 7): a write that fails (a full disk, injected here with
// RLIMIT_FSIZE, which needs no root) leaves the old file's bytes as they were
// and reports the error; a device node or FIFO is never replaced by a regular
// file; pipes, FIFOs and "-" (stdin) are read to the end, not taken as empty.
#include "file_size_limit.h"
#include "synthetic.h"
#include "trace_file.h"

#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <cstdio>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace pollscope::trace;

namespace {

QByteArray read_all(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<unreadable>");
}

bool write_all(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestTraceFileFaults : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

private slots:
    // Small exports stay in QFileDevice's buffer until commit(), whose flush
    // error went unchecked: a 0-byte file replaced the old one, "success".
    void failed_write_keeps_the_old_file_data() {
        QTest::addColumn<int>("events");
        QTest::addColumn<int>("format");
        QTest::newRow("small json (fits the write buffer)") << 20 << int(FileFormat::ChromeJson);
        QTest::newRow("small csv") << 20 << int(FileFormat::Csv);
        QTest::newRow("large json") << 2000 << int(FileFormat::ChromeJson);
    }
    void failed_write_keeps_the_old_file() {
        QFETCH(int, events);
        QFETCH(int, format);
        QVERIFY(dir_.isValid());
        const QString path = dir_.filePath("old.json");
        const QByteArray old_bytes("the previous export, which must survive\n");
        QVERIFY(write_all(path, old_bytes));
        const Trace t = make_synthetic_trace(std::size_t(events), 5, 2);
        QString error;
        bool saved;
        {
            FileSizeLimit limit(512);
            QVERIFY(limit.ok());
            saved = save_trace(path, t, {static_cast<FileFormat>(format), false}, &error);
        }
        QVERIFY2(!saved, "a failed write was reported as success");
        QVERIFY2(error.contains(path) && error.contains("cannot write"), qPrintable(error));
        QCOMPARE(read_all(path), old_bytes);
        // no temporary file left behind
        QCOMPARE(QDir(dir_.path()).entryList({"old.json*"}, QDir::Files).size(), 1);
        // and with room, the same save works
        QVERIFY2(save_trace(path, t, {static_cast<FileFormat>(format), false}, &error),
                 qPrintable(error));
        QVERIFY(read_all(path) != old_bytes);
    }

    void fifo_target_is_refused_and_kept() {
        const QString path = dir_.filePath("target.fifo");
        QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
        QString error;
        QVERIFY(!save_trace(path, make_synthetic_trace(20, 2, 1), {}, &error));
        QVERIFY2(error.contains("not a regular file"), qPrintable(error));
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QVERIFY(S_ISFIFO(st.st_mode));
    }

    void device_target_is_refused_and_kept() {
        const QString path = dir_.filePath("null.dev");
        // a null device of our own, never /dev/null itself
        if (::mknod(QFile::encodeName(path).constData(), S_IFCHR | 0666, makedev(1, 3)) != 0)
            QSKIP("mknod needs root (CAP_MKNOD); the FIFO case covers non-regular targets");
        QString error;
        QVERIFY(!save_trace(path, make_synthetic_trace(20, 2, 1), {}, &error));
        QVERIFY2(error.contains("not a regular file"), qPrintable(error));
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QVERIFY(S_ISCHR(st.st_mode));
    }

    void fifo_input_is_read_to_the_end() {
        const QString json = dir_.filePath("for_fifo.json");
        const Trace t = make_synthetic_trace(3000, 20, 2);
        QString error;
        QVERIFY2(save_trace(json, t, {}, &error), qPrintable(error));
        const QByteArray bytes = read_all(json);
        const QString fifo = dir_.filePath("input.fifo");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        std::thread writer([&] { write_all(fifo, bytes); });
        auto back = load_trace(fifo, &error);
        writer.join();
        QVERIFY2(back, qPrintable(error));
        QVERIFY(*back == t);
    }

    void dash_reads_stdin() {
        const Trace t = make_synthetic_trace(500, 5, 2);
        const QString json = dir_.filePath("for_stdin.json");
        QString error;
        QVERIFY2(save_trace(json, t, {}, &error), qPrintable(error));
        const QByteArray bytes = read_all(json);
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        const int saved_stdin = ::dup(0);
        ::dup2(fds[0], 0);
        ::close(fds[0]);
        std::thread writer([&] {
            (void)!::write(fds[1], bytes.constData(), size_t(bytes.size()));
            ::close(fds[1]);
        });
        auto back = load_trace("-", &error);
        writer.join();
        ::dup2(saved_stdin, 0);
        ::close(saved_stdin);
        std::clearerr(stdin);
        QVERIFY2(back, qPrintable(error));
        QVERIFY(*back == t);
    }
};

QTEST_GUILESS_MAIN(TestTraceFileFaults)
#include "test_trace_file_faults.moc"
