// Chrome JSON and CSV export, re-import (lossless, statistics identical),
// malformed and foreign input (clear errors, no crash), files via QSaveFile,
// and timing of 1,000,000 events (printed, not asserted: the machine is shared).

#include "chrome_json.h"
#include "csv_export.h"
#include "json_import.h"
#include "recorder.h"
#include "stats.h"
#include "synthetic.h"
#include "trace_file.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <ctime>

using namespace pollscope;
using namespace pollscope::trace;

class TestExport : public QObject {
    Q_OBJECT
private slots:
    void chromeStructure();
    void perWorkerTracks();
    void roundTripSynthetic();
    void roundTripRecorded();
    void csvRows();
    void malformed_data();
    void malformed();
    void chromeEventsNotRead();
    void files();
    void million();
};

namespace {

Trace small_trace() {
    std::int64_t now = 1000;
    TraceRecorder rec({0, [&] { return now += 500; }, true});
    const auto loc = std::source_location::current();
    rec.on_worker_start(0, "wrk-0");
    rec.on_spawn({1, 0, "main \"loop\"", loc});
    rec.on_spawn({2, 1, "", loc});
    rec.on_poll_start(1);
    rec.on_mark(1, "event 1");
    rec.on_poll_end(1, PollResult::Pending, loc, nullptr);
    rec.on_poll_start(2);
    rec.on_wake(1, 2);
    rec.on_poll_end(2, PollResult::Ready, {}, nullptr);
    rec.on_poll_start(1);
    rec.on_poll_end(1, PollResult::Pending, loc, nullptr);
    rec.on_wake(1, 0);
    rec.on_poll_start(1);
    rec.on_poll_end(1, PollResult::Ready, {}, nullptr);
    rec.on_shutdown_signal(0);
    return rec.snapshot();
}

QJsonArray trace_events(const std::string& json) {
    QJsonParseError err;
    auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &err);
    if (err.error != QJsonParseError::NoError)
        qWarning() << err.errorString() << err.offset;
    return doc.object().value("traceEvents").toArray();
}

int count(const QJsonArray& a, const QString& ph, const QString& name = {}) {
    int n = 0;
    for (const auto& v : a) {
        const auto o = v.toObject();
        if (o.value("ph").toString() == ph &&
            (name.isEmpty() || o.value("name").toString() == name))
            ++n;
    }
    return n;
}

} // namespace

void TestExport::chromeStructure() {
    const Trace t = small_trace();
    const auto events = trace_events(to_chrome_json(t));
    QVERIFY(!events.isEmpty());
    int polls = 0;
    for (const auto& v : events) {
        const auto o = v.toObject();
        if (o.value("ph") == "X" && o.value("cat") == "poll") {
            ++polls;
            QVERIFY(o.contains("dur"));
            QVERIFY(o.value("args").toObject().contains("outcome"));
        }
    }
    QCOMPARE(polls, 4);
    QCOMPARE(count(events, "s"), 2); // two wakes
    QCOMPARE(count(events, "f"), 2); // each bound to the poll it caused
    QCOMPARE(count(events, "i", "event 1"), 1);
    QCOMPARE(count(events, "X", "idle"), 2);
    QVERIFY(count(events, "M", "thread_name") >= 3);
    bool named = false;
    for (const auto& v : events)
        named |= v.toObject().value("args").toObject().value("name") == "main \"loop\" #1";
    QVERIFY(named);
}

void TestExport::perWorkerTracks() {
    ChromeOptions o;
    o.per_worker = true;
    const auto events = trace_events(to_chrome_json(small_trace(), o));
    for (const auto& v : events) {
        const auto obj = v.toObject();
        if (obj.value("ph") == "X" && obj.value("cat") == "poll")
            QCOMPARE(obj.value("tid").toInt(), 1); // thread 0 -> tid 1
    }
}

void TestExport::roundTripSynthetic() {
    const Trace t = make_synthetic_trace(20'000, 50, 3);
    QCOMPARE(t.events.size(), std::size_t(20'000));
    ImportError err;
    auto back = import_trace_json(to_chrome_json(t), &err);
    QVERIFY2(back, err.to_string().c_str());
    QVERIFY(*back == t);
    QVERIFY(compute_stats(*back) == compute_stats(t));
}

void TestExport::roundTripRecorded() {
    Trace t = small_trace();
    t.dropped = 12;
    t.strings.push_back("tab\tnew\nline \x01 \xc3\xa9 \\ \"q\"");
    ImportError err;
    auto back = import_trace_json(to_chrome_json(t), &err);
    QVERIFY2(back, err.to_string().c_str());
    QVERIFY(*back == t);
    QVERIFY(back->virtual_time);
    const auto a = compute_stats(t), b = compute_stats(*back);
    QVERIFY(a == b);
    QCOMPARE(a.tasks.size(), std::size_t(2));
}

void TestExport::csvRows() {
    const Trace t = small_trace();
    const std::string csv = to_csv(t);
    const auto lines = QString::fromStdString(csv).split('\n', Qt::SkipEmptyParts);
    int comments = 0;
    while (lines[comments].startsWith('#'))
        ++comments;
    QCOMPARE(
        lines[comments],
        QString("ts_ns,thread,thread_name,kind,task,task_name,outcome,other_task,location,text,"
                "waits_on"));
    QCOMPARE(lines.size() - comments - 1, qsizetype(t.events.size()));
    QVERIFY(csv.find("\"main \"\"loop\"\"\"") != std::string::npos); // RFC 4180 quoting
    QVERIFY(csv.find(",mark,1,") != std::string::npos);
}

void TestExport::malformed_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expect"); // a piece of the message
    const QByteArray good = QByteArray::fromStdString(to_chrome_json(small_trace()));
    auto replaced = [&](const char* from, const char* to) {
        QByteArray b = good;
        return b.replace(from, to);
    };
    QTest::newRow("empty") << QByteArray() << "empty input";
    QTest::newRow("whitespace") << QByteArray(" \n ") << "empty input";
    QTest::newRow("array") << QByteArray("[1,2]") << "expected a JSON object";
    QTest::newRow("foreign chrome")
        << QByteArray(R"({"traceEvents":[{"ph":"X","ts":1}]})") << "no top-level \"pollscope\"";
    QTest::newRow("truncated") << good.left(good.size() / 2) << "line";
    // Past the "pollscope" section, inside the Chrome events it is not read
    // from: the file still does not end as a document does.
    QTest::newRow("truncated in traceEvents") << good.left(good.size() * 9 / 10) << "line";
    QTest::newRow("traceEvents not closed") << good.left(good.lastIndexOf(']')) + "}"
                                            << "line";
    QTest::newRow("trailing") << good + "x"
                              << "unexpected data after";
    QTest::newRow("bad literal") << QByteArray(R"({"a":tru})") << "invalid value";
    QTest::newRow("unterminated string") << QByteArray(R"({"a":"abc)") << "unterminated string";
    QTest::newRow("control in string") << QByteArray("{\"a\":\"a\x01\"}") << "control character";
    QTest::newRow("bad escape") << QByteArray(R"({"a":"\q"})") << "invalid escape";
    QTest::newRow("lone surrogate") << QByteArray(R"({"a":"\ud800x"})") << "surrogate";
    QTest::newRow("bad number") << QByteArray(R"({"a":-})") << "invalid number";
    QTest::newRow("missing colon") << QByteArray(R"({"a" 1})") << "expected ':'";
    QTest::newRow("missing comma") << QByteArray(R"({"a":1 "b":2})") << "',' or '}'";
    QTest::newRow("deep nesting") << "{\"a\":" + QByteArray(100000, '[') << "nesting deeper";
    QTest::newRow("wrong format") << replaced("pollscope-trace", "other-trace") << "unknown format";
    QTest::newRow("wrong version")
        << replaced("\"version\":2", "\"version\":7") << "unsupported version 7";
    QTest::newRow("missing events")
        << replaced("\"events\":", "\"evants\":") << "missing key \"events\"";
    QTest::newRow("event not array")
        << replaced("\"events\":[\n[", "\"events\":[\n{") << "$.pollscope.events[0]";
    QTest::newRow("float field") << replaced("\"events\":[\n[1500,", "\"events\":[\n[1500.5,")
                                 << "fraction";
    QTest::newRow("bad kind") << replaced("\"events\":[\n[1500,0,12,", "\"events\":[\n[1500,0,99,")
                              << "unknown event kind 99";
    QTest::newRow("thread out of range")
        << replaced("\"events\":[\n[1500,0,12,0,", "\"events\":[\n[1500,0,12,0,0,9")
        << "$.pollscope.events[0]";
    QTest::newRow("negative id") << replaced("\"events\":[\n[1500,0,", "\"events\":[\n[1500,-1,")
                                 << "non-negative";
    QTest::newRow("huge number") << replaced("\"dropped\":0", "\"dropped\":99999999999999999999999")
                                 << "out of range";
    QTest::newRow("string id out of range")
        << replaced("\"threads\":[[", "\"threads\":[[1,0,999],[") << "$.pollscope.threads[0]";
    QTest::newRow("nul byte") << QByteArray("{\"a\":\0}", 7) << "byte 0x00";
}

void TestExport::malformed() {
    QFETCH(QByteArray, input);
    QFETCH(QString, expect);
    ImportError err;
    const auto t = import_trace_json(std::string_view(input.constData(), input.size()), &err);
    QVERIFY(!t);
    const QString msg = QString::fromStdString(err.to_string());
    QVERIFY2(msg.contains(expect), qPrintable(msg));
    QVERIFY2(msg.startsWith("line "), qPrintable(msg));
    QVERIFY(err.offset <= std::size_t(input.size()));
}

void TestExport::chromeEventsNotRead() {
    // Pollscope reads its own section; the Chrome events after it (most of
    // a file's bytes) are Perfetto's and are skipped unread when the
    // document closes as the exporter closes it. Damage there opens the same trace.
    const Trace t = small_trace();
    QByteArray json = QByteArray::fromStdString(to_chrome_json(t));
    const auto events = json.indexOf("\"traceEvents\":[");
    QVERIFY(events > json.indexOf("\"pollscope\":"));
    json.replace(events + 20, 10, "@@garbage@");
    ImportError err;
    const auto back = import_trace_json(std::string_view(json.constData(), json.size()), &err);
    QVERIFY2(back, err.to_string().c_str());
    QVERIFY(*back == t);
    // A document that does not end as the exporter's is parsed whole.
    QByteArray other = QByteArray::fromStdString(to_chrome_json(t));
    other.insert(other.lastIndexOf('}'), ",\"x\":tru");
    QVERIFY(!import_trace_json(std::string_view(other.constData(), other.size()), &err));
}

void TestExport::files() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Trace t = small_trace();
    QString error;
    const QString json = dir.filePath("t.json");
    QVERIFY2(save_trace(json, t, {}, &error), qPrintable(error));
    auto back = load_trace(json, &error);
    QVERIFY2(back, qPrintable(error));
    QVERIFY(*back == t);
    QVERIFY(save_trace(dir.filePath("t.csv"), t, {FileFormat::Csv, false}, &error));
    QVERIFY(!load_trace(dir.filePath("t.csv"), &error));
    QVERIFY2(error.contains("t.csv") && error.contains("line 1"), qPrintable(error));
    QVERIFY(!load_trace(dir.filePath("missing.json"), &error));
    QVERIFY(error.contains("missing.json"));
    QVERIFY(!save_trace(dir.filePath("no/such/dir/t.json"), t, {}, &error));
    QVERIFY(error.contains("cannot write"));
    QCOMPARE(format_from_name("chrome"), std::optional(FileFormat::ChromeJson));
    QCOMPARE(format_from_name("CSV"), std::optional(FileFormat::Csv));
    QVERIFY(!format_from_name("xml"));
    // Only the target remains: QSaveFile renamed its temporary file.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 2);
}

void TestExport::million() {
    // CPU time of this thread: wall time lies on a loaded, shared machine.
    auto cpu_ms = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
    };
    double t0 = cpu_ms();
    auto lap = [&] {
        const double t1 = cpu_ms(), d = t1 - t0;
        t0 = t1;
        return d;
    };
    const Trace t = make_synthetic_trace(1'000'000);
    const auto gen = lap();
    const std::string json = to_chrome_json(t);
    const auto write = lap();
    ImportError err;
    auto back = import_trace_json(json, &err);
    const auto read = lap();
    QVERIFY2(back, err.to_string().c_str());
    QCOMPARE(back->events.size(), t.events.size());
    QVERIFY(back->events == t.events);
    const auto stats = compute_stats(*back);
    const auto st = lap();
    const std::string csv = to_csv(t);
    const auto csv_ms = lap();
    qInfo("1M events (CPU ms): generate %.0f, Chrome JSON %.0f (%.1f MB), import %.0f, stats %.0f "
          "(%zu tasks), CSV %.0f (%.1f MB)",
          gen, write, json.size() / 1e6, read, st, stats.tasks.size(), csv_ms, csv.size() / 1e6);
}

QTEST_GUILESS_MAIN(TestExport)
#include "test_export.moc"
