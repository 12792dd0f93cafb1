// Every example's Chrome JSON export, on the real and the virtual clock,
// checked against the rules Perfetto's JSON importer holds a trace to:
// - a complete event (ph X) has ts and dur;
// - times are read as Perfetto reads them (microseconds as a double, times
//   1000, truncated to integer ns), and on one track (pid, tid) slices nest:
//   two slices are disjoint or one contains the other;
// - every flow id has exactly one start (ph s) and one end (ph f), the start
//   no later than the end, each inside a slice of its own track;
// - every track and process that has events is named by metadata (ph M);
// and the model's promises: every Pending poll carries its await site and
// what it waits on (args.waits_on, never empty), every spawn its location,
// and a wake's arrow starts inside the waker's poll.
#include "chrome_json.h"
#include "clock.h"
#include "example_registry.h"
#include "recorder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <map>
#include <set>

using namespace pollscope;
using namespace pollscope::trace;
using pollscope::examples::RunSetup;

namespace {

/// Perfetto's conversion of a JSON time in microseconds to nanoseconds.
std::int64_t perfetto_ns(const QJsonValue& v) {
    return static_cast<std::int64_t>(v.toDouble() * 1000.0);
}

struct Slice {
    std::int64_t start, end;
    QString name;
};

Trace record(const examples::ExampleInfo& e, bool virtual_clock) {
    auto knobs = examples::default_knobs(e);
    if (e.knob(examples::kVirtualTimeKnob))
        knobs[examples::kVirtualTimeKnob] = virtual_clock ? 1 : 0;
    auto clock = examples::make_clock(e, knobs);
    RecorderOptions ro;
    ro.virtual_time = clock->is_virtual();
    if (clock->is_virtual())
        ro.time = TraceRecorder::clock_time(clock);
    TraceRecorder recorder(std::move(ro));
    RunSetup setup;
    setup.hooks = &recorder;
    setup.clock = clock;
    setup.knobs = knobs;
    e.run(setup);
    return recorder.snapshot();
}

/// The rules; returns the first broken one, or an empty string.
QString check(const QJsonObject& root) {
    if (!root.value(QStringLiteral("traceEvents")).isArray())
        return QStringLiteral("no traceEvents array");
    using Track = std::pair<int, int>;
    std::map<Track, std::vector<Slice>> slices;
    std::set<Track> used, named;
    std::set<int> pids, named_pids;
    struct FlowEnd {
        int count = 0;
        std::int64_t ts = 0;
        Track track;
    };
    std::map<qint64, FlowEnd> starts, ends;
    const auto events = root.value(QStringLiteral("traceEvents")).toArray();
    for (const auto& v : events) {
        const auto o = v.toObject();
        const QString ph = o.value(QStringLiteral("ph")).toString();
        const int pid = o.value(QStringLiteral("pid")).toInt(-1);
        const int tid = o.value(QStringLiteral("tid")).toInt(-1);
        const Track track{pid, tid};
        const QString name = o.value(QStringLiteral("name")).toString();
        if (ph == QLatin1String("M")) {
            if (name == QLatin1String("thread_name"))
                named.insert(track);
            if (name == QLatin1String("process_name"))
                named_pids.insert(pid);
            continue;
        }
        if (!o.contains(QStringLiteral("ts")))
            return QStringLiteral("%1 event without ts: %2").arg(ph, name);
        const std::int64_t ts = perfetto_ns(o.value(QStringLiteral("ts")));
        used.insert(track);
        pids.insert(pid);
        const auto args = o.value(QStringLiteral("args")).toObject();
        if (ph == QLatin1String("X")) {
            if (!o.contains(QStringLiteral("dur")))
                return QStringLiteral("complete event without dur: %1").arg(name);
            const std::int64_t dur = perfetto_ns(o.value(QStringLiteral("dur")));
            if (dur < 0)
                return QStringLiteral("negative dur: %1").arg(name);
            slices[track].push_back({ts, ts + dur, name});
            if (o.value(QStringLiteral("cat")).toString() == QLatin1String("poll") &&
                args.value(QStringLiteral("outcome")).toString() == QLatin1String("pending") &&
                args.value(QStringLiteral("await")).toString().isEmpty())
                return QStringLiteral("Pending poll of %1 at %2 without its await site")
                    .arg(name)
                    .arg(ts);
            if (o.value(QStringLiteral("cat")).toString() == QLatin1String("poll") &&
                args.value(QStringLiteral("outcome")).toString() == QLatin1String("pending") &&
                args.value(QStringLiteral("waits_on")).toString().isEmpty())
                return QStringLiteral("Pending poll of %1 at %2 without what it waits on")
                    .arg(name)
                    .arg(ts);
        } else if (ph == QLatin1String("s") || ph == QLatin1String("f")) {
            auto& f = (ph == QLatin1String("s") ? starts
                                                : ends)[o.value(QStringLiteral("id")).toInteger()];
            ++f.count;
            f.ts = ts;
            f.track = track;
        } else if (ph == QLatin1String("i") && name == QLatin1String("spawn")) {
            if (args.value(QStringLiteral("location")).toString().isEmpty())
                return QStringLiteral("spawn of task %1 without its location")
                    .arg(args.value(QStringLiteral("task")).toInt());
        }
    }
    auto inside = [&](const Track& t, std::int64_t ts) {
        for (const auto& s : slices[t])
            if (s.start <= ts && ts <= s.end)
                return true;
        return false;
    };
    for (auto& [track, v] : slices) {
        std::sort(v.begin(), v.end(), [](const Slice& a, const Slice& b) {
            return a.start < b.start || (a.start == b.start && a.end > b.end);
        });
        std::vector<const Slice*> stack;
        for (const auto& s : v) {
            while (!stack.empty() && stack.back()->end <= s.start)
                stack.pop_back();
            if (!stack.empty() && s.end > stack.back()->end)
                return QStringLiteral("track %1/%2: '%3' [%4, %5] overlaps '%6' [%7, %8]")
                    .arg(track.first)
                    .arg(track.second)
                    .arg(s.name)
                    .arg(s.start)
                    .arg(s.end)
                    .arg(stack.back()->name)
                    .arg(stack.back()->start)
                    .arg(stack.back()->end);
            stack.push_back(&s);
        }
    }
    for (const auto& [id, s] : starts) {
        auto e = ends.find(id);
        if (s.count != 1 || e == ends.end() || e->second.count != 1)
            return QStringLiteral("flow %1 has %2 starts and %3 ends")
                .arg(id)
                .arg(s.count)
                .arg(e == ends.end() ? 0 : e->second.count);
        if (s.ts > e->second.ts)
            return QStringLiteral("flow %1 ends before it starts").arg(id);
        if (!inside(s.track, s.ts) || !inside(e->second.track, e->second.ts))
            return QStringLiteral("flow %1 has an end outside every slice of its track").arg(id);
    }
    for (const auto& [id, e] : ends)
        if (!starts.count(id))
            return QStringLiteral("flow %1 ends but never starts").arg(id);
    for (const auto& t : used)
        if (!named.count(t) && t.second != 0)
            return QStringLiteral("track %1/%2 has no thread_name").arg(t.first).arg(t.second);
    for (int pid : pids)
        if (!named_pids.count(pid))
            return QStringLiteral("process %1 has no process_name").arg(pid);
    return {};
}

QJsonObject parse(const std::string& json) {
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &err);
    if (err.error != QJsonParseError::NoError)
        qFatal("export is not JSON: %s", qPrintable(err.errorString()));
    return doc.object();
}

} // namespace

class TestPerfettoRules : public QObject {
    Q_OBJECT
private slots:
    void every_example_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("virtual_clock");
        QTest::addColumn<bool>("per_worker");
        for (const auto& e : examples::examples())
            for (bool v : {true, false})
                for (bool w : {false, true})
                    QTest::newRow(qPrintable(
                        QStringLiteral("%1 %2 %3")
                            .arg(e.id, v ? "virtual" : "real", w ? "per-worker" : "per-task")))
                        << e.id << v << w;
    }
    void every_example() {
        QFETCH(QString, id);
        QFETCH(bool, virtual_clock);
        QFETCH(bool, per_worker);
        const auto* e = examples::find_example(id);
        QVERIFY(e);
        const Trace t = record(*e, virtual_clock);
        ChromeOptions o;
        o.per_worker = per_worker;
        const QString broken = check(parse(to_chrome_json(t, o)));
        QVERIFY2(broken.isEmpty(), qPrintable(broken));
    }

    // The checker itself catches what it claims to.
    void checker_catches_breaks() {
        auto with = [](const char* events) {
            return parse(
                std::string(R"({"traceEvents":[)") +
                R"({"ph":"M","pid":1,"tid":0,"name":"process_name","args":{"name":"p"}},)" +
                R"({"ph":"M","pid":1,"tid":1,"name":"thread_name","args":{"name":"t"}},)" + events +
                "]}");
        };
        QVERIFY(
            check(with(R"({"ph":"X","pid":1,"tid":1,"ts":1.0,"dur":1.0,"name":"a"})")).isEmpty());
        QVERIFY(!check(with(R"({"ph":"X","pid":1,"tid":1,"ts":1.0,"name":"a"})")).isEmpty());
        QVERIFY(!check(with(R"({"ph":"X","pid":1,"tid":1,"ts":1.0,"dur":2.0,"name":"a"},)"
                            R"({"ph":"X","pid":1,"tid":1,"ts":2.0,"dur":2.0,"name":"b"})"))
                     .isEmpty());
        // 1.001 us reads as 1000 ns in Perfetto: the slices below overlap there.
        QVERIFY(!check(with(R"({"ph":"X","pid":1,"tid":1,"ts":0.0,"dur":1.002,"name":"a"},)"
                            R"({"ph":"X","pid":1,"tid":1,"ts":1.001,"dur":1.0,"name":"b"})"))
                     .isEmpty());
        QVERIFY(!check(with(R"({"ph":"X","pid":1,"tid":1,"ts":1.0,"dur":2.0,"name":"a"},)"
                            R"({"ph":"s","pid":1,"tid":1,"ts":1.5,"id":7,"name":"w"})"))
                     .isEmpty());
        QVERIFY(
            !check(with(R"({"ph":"X","pid":1,"tid":2,"ts":1.0,"dur":2.0,"name":"a"})")).isEmpty());
        const char* pending = R"({"ph":"X","pid":1,"tid":1,"ts":1.0,"dur":1.0,"name":"a",)"
                              R"("cat":"poll","args":{"outcome":"pending","await":"x.cpp:3")";
        QVERIFY(check(with((std::string(pending) + R"(,"waits_on":"yield"}})").c_str())).isEmpty());
        QVERIFY(!check(with((std::string(pending) + "}}").c_str())).isEmpty());
        QVERIFY(!check(with((std::string(pending) + R"(,"waits_on":""}})").c_str())).isEmpty());
    }

    // Our writer's times survive Perfetto's truncation exactly.
    void times_are_exact_in_perfetto() {
        Trace t;
        t.threads.push_back({1, 0, 0});
        std::int64_t ts = 1'000'001;
        for (std::uint32_t i = 0; i < 2000; ++i) {
            t.events.push_back({ts, 1, 0, 0, 0, EventKind::PollStart, 0});
            ts += 1001 + i % 7;
            t.events.push_back({ts, 1, 0, 0, 0, EventKind::PollEnd, 0});
        }
        const auto root = parse(to_chrome_json(t));
        std::vector<std::int64_t> starts, ends;
        for (const auto& v : root.value(QStringLiteral("traceEvents")).toArray()) {
            const auto o = v.toObject();
            if (o.value(QStringLiteral("cat")).toString() != QLatin1String("poll"))
                continue;
            starts.push_back(perfetto_ns(o.value(QStringLiteral("ts"))));
            ends.push_back(starts.back() + perfetto_ns(o.value(QStringLiteral("dur"))));
        }
        QCOMPARE(starts.size(), std::size_t(2000));
        for (std::size_t i = 0; i < starts.size(); ++i) {
            QCOMPARE(starts[i], t.events[2 * i].ts);
            QCOMPARE(ends[i], t.events[2 * i + 1].ts);
        }
    }
};

QTEST_GUILESS_MAIN(TestPerfettoRules)
#include "test_perfetto_rules.moc"
