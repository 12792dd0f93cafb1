// Where wakes come from and what tasks wait on, in the examples' Chrome JSON
// exports (issue 9): select's winner and losers, the JoinHandle completion's
// wake from the finished task, the hand-built executor's task channel (the
// seed's Example 2), the timer and TimerFuture threads, and a non-empty
// args.waits_on on every Pending poll of every example on both clocks.
#include "chrome_json.h"
#include "clock.h"
#include "example_registry.h"
#include "record_trace.h"
#include "recorder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <map>

using namespace pollscope;
using namespace pollscope::trace;
using pollscope::examples::KnobValues;

namespace {

Trace record(const QString& id, bool virtual_clock, KnobValues extra = {}) {
    return test::record_trace(id, virtual_clock, extra);
}

QJsonArray trace_events(const Trace& t) {
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(to_chrome_json(t)), &err);
    if (err.error != QJsonParseError::NoError)
        qFatal("export is not JSON: %s", qPrintable(err.errorString()));
    return doc.object().value(QStringLiteral("traceEvents")).toArray();
}

/// Task id by name (the track's thread_name metadata is "name #id").
std::map<QString, int> task_ids(const Trace& t) {
    std::map<QString, int> out;
    for (const Event& e : t.events)
        if (e.kind == EventKind::TaskName)
            out[QString::fromStdString(std::string(t.string(e.arg)))] = int(e.task);
    return out;
}

/// The flows (wake arrows) as (from track tid, to track tid) on the task process.
std::vector<std::pair<int, int>> arrows(const QJsonArray& events) {
    std::map<qint64, int> from, to;
    for (const auto& v : events) {
        const auto o = v.toObject();
        const QString ph = o.value(QStringLiteral("ph")).toString();
        const qint64 id = o.value(QStringLiteral("id")).toInteger();
        const int tid = o.value(QStringLiteral("pid")).toInt() == 1
                            ? o.value(QStringLiteral("tid")).toInt()
                            : -o.value(QStringLiteral("tid")).toInt(); // thread tracks < 0
        if (ph == QLatin1String("s"))
            from[id] = tid;
        else if (ph == QLatin1String("f"))
            to[id] = tid;
    }
    std::vector<std::pair<int, int>> out;
    for (const auto& [id, f] : from)
        out.push_back({f, to.count(id) ? to[id] : 0});
    return out;
}

int count_named(const QJsonArray& events, const QString& name, int tid = 0) {
    int n = 0;
    for (const auto& v : events) {
        const auto o = v.toObject();
        if (o.value(QStringLiteral("name")).toString() == name &&
            (tid == 0 || o.value(QStringLiteral("tid")).toInt() == tid))
            ++n;
    }
    return n;
}

} // namespace

class TestWakeSources : public QObject {
    Q_OBJECT
private slots:
    void selectLosersAreDestroyedAndTheTimerWakesTheWinner() {
        const Trace t = record(QStringLiteral("select"), true);
        const auto events = trace_events(t);
        // The losers are futures inside test_select: destroyed, marked so.
        QCOMPARE(count_named(events, QStringLiteral("task_2 destroyed")), 1);
        QCOMPARE(count_named(events, QStringLiteral("task_3 destroyed")), 1);
        // test_select waited on a sleep (its select's first branch), woken by the timer.
        bool waits_on_sleep = false;
        for (const auto& v : events) {
            const auto args = v.toObject().value(QStringLiteral("args")).toObject();
            if (args.value(QStringLiteral("outcome")).toString() == QLatin1String("pending"))
                waits_on_sleep |=
                    args.value(QStringLiteral("waits_on")).toString().startsWith("sleep until 100");
        }
        QVERIFY(waits_on_sleep);
        int timer_wakes = 0;
        for (const auto& v : events)
            timer_wakes += v.toObject()
                               .value(QStringLiteral("args"))
                               .toObject()
                               .value(QStringLiteral("source"))
                               .toString() == QLatin1String("timer");
        QVERIFY(timer_wakes >= 1);
    }

    void joinWaitsOnEachSleepUntilItsOwnDeadline() {
        // join polls its three futures in one task; after each wake it waits
        // on the next sleep still pending, whose deadline (100, 200, 300 ms on
        // the virtual clock) the label states, however late it is described.
        const Trace t = record(QStringLiteral("join"), true);
        QStringList waits;
        for (const auto& v : trace_events(t)) {
            const auto args = v.toObject().value(QStringLiteral("args")).toObject();
            if (args.value(QStringLiteral("outcome")).toString() == QLatin1String("pending"))
                waits << args.value(QStringLiteral("waits_on")).toString();
        }
        QCOMPARE(waits, (QStringList{QStringLiteral("sleep until 100.0 ms"),
                                     QStringLiteral("sleep until 200.0 ms"),
                                     QStringLiteral("sleep until 300.0 ms")}));
    }

    void spawnedSelectWinnerWakesTheSelectAndLosersAreCancelled_data() {
        QTest::addColumn<bool>("virtual_clock");
        QTest::newRow("virtual") << true;
        QTest::newRow("real") << false;
    }
    void spawnedSelectWinnerWakesTheSelectAndLosersAreCancelled() {
        QFETCH(bool, virtual_clock);
        const Trace t = record(QStringLiteral("select"), virtual_clock, {{"spawned", 1}});
        const auto ids = task_ids(t);
        const int select = ids.at(QStringLiteral("test_select_spawned"));
        const int winner = ids.at(QStringLiteral("task_1"));
        const auto events = trace_events(t);
        QCOMPARE(count_named(events, QStringLiteral("cancel"), ids.at(QStringLiteral("task_2"))),
                 1);
        QCOMPARE(count_named(events, QStringLiteral("cancel"), ids.at(QStringLiteral("task_3"))),
                 1);
        // The winner's JoinHandle completion: an arrow from task_1 to the select.
        const auto a = arrows(events);
        QVERIFY(std::find(a.begin(), a.end(), std::pair{winner, select}) != a.end());
        // Each loser's end (cancelled) wakes the select through its handle too.
        for (const char* loser : {"task_2", "task_3"})
            QVERIFY2(std::find(a.begin(), a.end(),
                               std::pair{ids.at(QString::fromLatin1(loser)), select}) != a.end(),
                     loser);
        // And the select waited on the winner's join handle first.
        bool waits_on_handle = false;
        for (const auto& v : events) {
            const auto args = v.toObject().value(QStringLiteral("args")).toObject();
            waits_on_handle |= args.value(QStringLiteral("waits_on")).toString() ==
                               QStringLiteral("join handle of task %1").arg(winner);
        }
        QVERIFY(waits_on_handle);
    }

    void executorRecordsItsTaskChannel() {
        const Trace t = record(QStringLiteral("executor"), true, {{"tasks", 3}});
        int sends = 0, recvs = 0;
        std::vector<std::uint16_t> send_threads;
        for (const Event& e : t.events) {
            if (e.flag != std::uint8_t(ChannelKind::TaskQueue))
                continue;
            if (e.kind == EventKind::ChannelSend) {
                ++sends;
                send_threads.push_back(e.thread);
            }
            recvs += e.kind == EventKind::ChannelRecv;
        }
        // Three spawns and three wakes (each by its TimerFuture thread) are
        // sends; each of the six polls follows a recv.
        QCOMPARE(sends, 6);
        QCOMPARE(recvs, 6);
        int from_timer_future = 0;
        for (auto th : send_threads)
            from_timer_future += t.string(t.threads[th].name) == "timer-future";
        QCOMPARE(from_timer_future, 3);
        // The end: the channel empty and every sender gone.
        int ends = 0;
        for (const Event& e : t.events)
            ends += e.kind == EventKind::Mark &&
                    t.string(e.arg) == "task channel empty and every sender gone: run() ends";
        QCOMPARE(ends, 1);
        // In the export: instants on the tasks' and threads' tracks.
        const auto events = trace_events(t);
        QCOMPARE(count_named(events, QStringLiteral("send")), 6);
        QCOMPARE(count_named(events, QStringLiteral("recv")), 6);
    }

    void timerFutureThreadIsNamed() {
        const Trace t = record(QStringLiteral("timer-future"), true);
        bool named = false;
        for (const Event& e : t.events)
            if (e.kind == EventKind::Wake && e.arg == 0)
                named |= t.string(t.threads[e.thread].name) == "timer-future";
        QVERIFY(named);
    }

    void everyPendingPollSaysWhatItWaitsOn_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("virtual_clock");
        for (const auto& e : examples::examples())
            for (bool v : {true, false})
                QTest::newRow(qPrintable(e.id + (v ? " virtual" : " real"))) << e.id << v;
    }
    void everyPendingPollSaysWhatItWaitsOn() {
        QFETCH(QString, id);
        QFETCH(bool, virtual_clock);
        const auto events = trace_events(record(id, virtual_clock));
        int pending = 0;
        for (const auto& v : events) {
            const auto o = v.toObject();
            const auto args = o.value(QStringLiteral("args")).toObject();
            if (o.value(QStringLiteral("cat")).toString() != QLatin1String("poll") ||
                args.value(QStringLiteral("outcome")).toString() != QLatin1String("pending"))
                continue;
            ++pending;
            const QString w = args.value(QStringLiteral("waits_on")).toString();
            QVERIFY2(!w.isEmpty(), qPrintable(o.value(QStringLiteral("name")).toString()));
            // Every example waits only on the core's own futures.
            QVERIFY2(w != QLatin1String("unknown"),
                     qPrintable(o.value(QStringLiteral("name")).toString() + " waits on unknown"));
        }
        // (stream and blocking-worker's defaults never wait: every poll is Ready)
        if (id != QLatin1String("stream") && id != QLatin1String("blocking-worker"))
            QVERIFY(pending > 0);
    }

    void spawnBlockingWaitsOnItsJob() {
        const Trace t = record(QStringLiteral("blocking-worker"), true, {{"fixed", 1}});
        int pending = 0;
        for (const auto& v : trace_events(t)) {
            const auto args = v.toObject().value(QStringLiteral("args")).toObject();
            if (args.value(QStringLiteral("outcome")).toString() != QLatin1String("pending"))
                continue;
            ++pending;
            QCOMPARE(args.value(QStringLiteral("waits_on")).toString(),
                     QStringLiteral("blocking pool job"));
        }
        QVERIFY(pending > 0);
    }
};

QTEST_GUILESS_MAIN(TestWakeSources)
#include "test_wake_sources.moc"
