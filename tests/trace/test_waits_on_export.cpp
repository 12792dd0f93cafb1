// What a Pending poll waits on, through the recorder, the model and every
// export: a resource is described once (a Resource event) and named by the
// PollEnds that wait on it; the model gives its text; Chrome JSON carries it
// as args.waits_on, CSV as a column; the importer round-trips it and refuses
// a PollEnd naming a resource that nothing describes.
#include "chrome_json.h"
#include "csv_export.h"
#include "json_import.h"
#include "recorder.h"
#include "resource.h"
#include "timeline_model.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <string>

using namespace pollscope;
using namespace pollscope::trace;

namespace {

/// Task 1 waits on a named channel twice, then on a sleep with 100 ms left
/// (at ts 2500), then is Ready; task 2 waits on something unknown.
Trace recorded() {
    std::int64_t now = 1000;
    TraceRecorder rec({0, [&] { return now += 500; }, true});
    const auto loc = std::source_location::current();
    const std::string name = "events";
    const Resource channel(ResourceKind::MpscRecv, name, 16);
    Resource sleep(ResourceKind::Sleep);
    sleep.set_param(100'000'000);
    rec.on_spawn({1, 0, "main", loc});
    rec.on_spawn({2, 0, "other", loc});
    rec.on_poll_start(1); // ts 2000
    rec.on_poll_end(1, PollResult::Pending, loc, &channel);
    rec.on_poll_start(1);
    rec.on_poll_end(1, PollResult::Pending, loc, &sleep);
    rec.on_poll_start(1);
    rec.on_poll_end(1, PollResult::Pending, loc, &channel);
    rec.on_poll_start(2);
    rec.on_poll_end(2, PollResult::Pending, loc, nullptr);
    rec.on_poll_start(1);
    rec.on_poll_end(1, PollResult::Ready, {}, &channel); // Ready: waits on nothing
    return rec.snapshot();
}

std::vector<std::string> waits_texts(const TimelineModel& m) {
    std::vector<std::string> out;
    for (std::uint32_t i = 0; i < m.polls().size(); ++i)
        out.push_back(m.waits_on_text(i));
    return out;
}

std::string file_with(const std::string& events, int dropped = 0) {
    return R"({"pollscope":{"format":"pollscope-trace","version":2,"dropped":)" +
           std::to_string(dropped) +
           R"(,"strings":["","events"],"locations":[[0,0,0,0]],"threads":[[1,0,0]],"events":[)" +
           events + "]}}";
}

} // namespace

class TestWaitsOnExport : public QObject {
    Q_OBJECT
private slots:
    void recorderDescribesEachResourceOnce() {
        const Trace t = recorded();
        int resources = 0;
        std::vector<std::uint32_t> named;
        for (const Event& e : t.events) {
            if (e.kind == EventKind::Resource) {
                ++resources;
                QCOMPARE(e.task, std::uint32_t(0));
                QVERIFY(e.arg != 0);
            }
            if (e.kind == EventKind::PollEnd)
                named.push_back(e.arg2);
        }
        QCOMPARE(resources, 2); // the channel and the sleep, once each
        QCOMPARE(named.size(), std::size_t(5));
        QVERIFY(named[0] != 0 && named[0] == named[2]);
        QVERIFY(named[1] != 0 && named[1] != named[0]);
        QCOMPARE(named[3], std::uint32_t(0)); // unknown
        QCOMPARE(named[4], std::uint32_t(0)); // Ready
    }

    void modelGivesTheText() {
        TimelineModel m;
        m.load(recorded());
        const auto texts = waits_texts(m);
        QCOMPARE(texts.size(), std::size_t(5));
        QCOMPARE(texts[0], std::string("mpsc recv 'events' (empty)"));
        // Described at the poll end at 3500 ns with 100 ms left.
        QCOMPARE(texts[1], std::string("sleep until 100.0 ms"));
        QCOMPARE(texts[2], texts[0]);
        QCOMPARE(texts[3], std::string("unknown"));
        QCOMPARE(texts[4], std::string()); // Ready
    }

    void chromeJsonCarriesWaitsOnAndRoundTrips() {
        const Trace t = recorded();
        const std::string json = to_chrome_json(t);
        QJsonParseError perr;
        const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &perr);
        QCOMPARE(perr.error, QJsonParseError::NoError);
        QStringList pending;
        for (const auto& v : doc.object().value("traceEvents").toArray()) {
            const auto o = v.toObject();
            const auto args = o.value("args").toObject();
            if (o.value("cat").toString() != "poll")
                continue;
            if (args.value("outcome").toString() == "pending")
                pending << args.value("waits_on").toString();
            else
                QVERIFY(!args.contains("waits_on"));
        }
        pending.sort();
        QCOMPARE(pending, QStringList({"mpsc recv 'events' (empty)", "mpsc recv 'events' (empty)",
                                       "sleep until 100.0 ms", "unknown"}));
        ImportError err;
        auto back = import_trace_json(json, &err);
        QVERIFY2(back, err.to_string().c_str());
        QVERIFY(*back == t);
        TimelineModel m;
        m.load(*back);
        TimelineModel orig;
        orig.load(t);
        QCOMPARE(waits_texts(m), waits_texts(orig));
    }

    void csvHasTheColumn() {
        const std::string csv = to_csv(recorded());
        QVERIFY(csv.find(",poll_end,1,main,pending,,") != std::string::npos);
        QVERIFY(csv.find(",mpsc recv 'events' (empty)\n") != std::string::npos);
        QVERIFY(csv.find(",sleep until 100.0 ms\n") != std::string::npos);
        QVERIFY(csv.find(",poll_end,2,other,pending,") != std::string::npos);
        QVERIFY(csv.find(",unknown\n") != std::string::npos);
    }

    void importerRefusesAnUndescribedResource() {
        ImportError err;
        // PollStart, then a PollEnd (Pending) naming resource 5: nothing describes it.
        auto t = import_trace_json(file_with("[1,1,2,0,0,0,0],[2,1,3,0,5,0,0]"), &err);
        QVERIFY(!t);
        QVERIFY2(err.message.find("resource 5 is described by no resource event") !=
                     std::string::npos,
                 err.to_string().c_str());
        QCOMPARE(err.path, std::string("$.pollscope.events[1][4]"));
        // Described (kind 3, mpsc recv, named "events"): accepted.
        t = import_trace_json(file_with("[1,1,2,0,0,0,0],[2,0,13,5,1,0,3],[2,1,3,0,5,0,0]"), &err);
        QVERIFY2(t, err.to_string().c_str());
        // A trace that lost events may have lost the description: accepted.
        t = import_trace_json(file_with("[1,1,2,0,0,0,0],[2,1,3,0,5,0,0]", 3), &err);
        QVERIFY2(t, err.to_string().c_str());
        TimelineModel m;
        m.load(*t);
        QCOMPARE(m.waits_on_text(0), std::string("unknown"));
    }

    void importerRefusesBadResourceEvents() {
        ImportError err;
        QVERIFY(!import_trace_json(file_with("[2,0,13,5,0,0,99]"), &err));
        QVERIFY2(err.message.find("resource kind out of range") != std::string::npos,
                 err.to_string().c_str());
        QVERIFY(!import_trace_json(file_with("[2,0,13,0,0,0,1]"), &err));
        QVERIFY2(err.message.find("resource id 0") != std::string::npos, err.to_string().c_str());
        QVERIFY(!import_trace_json(file_with("[2,0,13,5,7,0,3]"), &err)); // name string 7
        QVERIFY2(err.message.find("string id out of range") != std::string::npos,
                 err.to_string().c_str());
        // A sleep's arg2 is its time left, not a string id.
        QVERIFY2(import_trace_json(file_with("[2,0,13,5,7000,0,1]"), &err),
                 err.to_string().c_str());
    }

    void versionOneFilesStillOpen() {
        std::string v1 = file_with("[1,1,2,0,0,0,0],[2,1,3,0,0,0,0]");
        v1.replace(v1.find("\"version\":2"), 11, "\"version\":1");
        ImportError err;
        auto t = import_trace_json(v1, &err);
        QVERIFY2(t, err.to_string().c_str());
        TimelineModel m;
        m.load(*t);
        QCOMPARE(m.waits_on_text(0), std::string("unknown"));
    }
};

QTEST_GUILESS_MAIN(TestWaitsOnExport)
#include "test_waits_on_export.moc"
