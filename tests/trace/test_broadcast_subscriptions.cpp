// A broadcast's recorded receivers, end to end: a task subscribes a receiver
// for a reader it spawns after one value was sent, then sends five more into
// two slots before the reader runs, so the reader's first recv is
// Lagged{3}. The recorder keeps each subscribe, drop and lag; the resource
// lane takes its subscriber (the reader only: the task that keeps the first
// receiver never reads it), its subscribe time, the missed values and the
// lag from them, and the receivers alive; the same after a round trip
// through the file. Without the new events (an older file) it falls back to
// inference, which counts the value sent before the subscribe.
#include "broadcast.h"
#include "chrome_json.h"
#include "json_import.h"
#include "record_virtual.h"
#include "recorder.h"
#include "resource_timeline.h"
#include "runtime.h"
#include "timeline_model.h"

#include <QtTest>

#include <vector>

using namespace pollscope;
using namespace pollscope::trace;

namespace {

Task<void> reader(broadcast::Receiver<int> rx) {
    for (;;) {
        auto r = co_await rx.recv();
        if (r.is_closed())
            co_return;
    }
}

Task<void> writer() {
    JoinHandle<void> h;
    {
        auto [tx, first] = broadcast::channel<int>(2, "news");
        (void)tx.send(0); // before the reader's receiver exists
        h = spawn(reader(tx.subscribe()), "reader");
        for (int i = 1; i <= 5; ++i) // the reader has not run: it misses 1, 2, 3
            (void)tx.send(i);
    } // closes the channel; drops `first`
    co_await h;
}

Trace record() {
    return test::record_virtual(writer(), "writer");
}

std::vector<const Event*> of_kind(const Trace& t, EventKind k) {
    std::vector<const Event*> out;
    for (const Event& e : t.events)
        if (e.kind == k)
            out.push_back(&e);
    return out;
}

const ResourceTimeline* broadcast_lane(const std::vector<ResourceTimeline>& v) {
    for (const auto& r : v)
        if (r.row.kind_text == "broadcast")
            return &r;
    return nullptr;
}

std::uint32_t task_named(const TimelineModel& m, const std::string& name) {
    for (const Lane& l : m.task_lanes())
        if (m.task_label(l.key) == name)
            return l.key;
    return 0;
}

} // namespace

class TestBroadcastSubscriptions : public QObject {
    Q_OBJECT
private slots:
    void recordedSubscriberLagAndReceivers() {
        const Trace t = record();
        TimelineModel m;
        m.load(t);
        const std::uint32_t writer_id = task_named(m, "writer");
        const std::uint32_t reader_id = task_named(m, "reader");
        QVERIFY(writer_id != 0 && reader_id != 0);

        const auto subs = of_kind(t, EventKind::BroadcastSubscribe);
        QCOMPARE(subs.size(), std::size_t(2)); // channel()'s receiver, then subscribe()
        QCOMPARE(subs[0]->task, writer_id);
        QCOMPARE(subs[1]->task, writer_id);
        const auto lags = of_kind(t, EventKind::BroadcastLag);
        QCOMPARE(lags.size(), std::size_t(1));
        QCOMPARE(lags[0]->task, reader_id);
        QCOMPARE(lags[0]->arg2, 3u); // 5 sent into 2 slots
        const auto drops = of_kind(t, EventKind::BroadcastUnsubscribe);
        QVERIFY(!drops.empty());
        QCOMPARE(drops[0]->task, writer_id); // `first`, at the end of its block

        const auto lanes = resource_timelines(m);
        const ResourceTimeline* r = broadcast_lane(lanes);
        QVERIFY(r);
        QCOMPARE(r->subscribers.size(), std::size_t(1));
        const Subscriber& s = r->subscribers[0];
        QCOMPARE(s.task, reader_id);
        QCOMPARE(s.subscribed, subs[1]->ts);
        QCOMPARE(s.recvs, 2u);  // 4 and 5
        QCOMPARE(s.missed, 3u); // the recorded Lagged{3}
        QCOMPARE(s.max_lag, 5); // the five sent after its subscribe, before it read
        QCOMPARE(s.lag_at_end, 0);
        // The reader drops its receiver as its frame goes, in its last poll.
        QCOMPARE(drops.size(), std::size_t(2));
        QCOMPARE(drops[1]->task, reader_id);
        QCOMPARE(s.unsubscribed, drops[1]->ts);
        // Receivers alive: 1, 2, 1, 0.
        std::vector<std::uint32_t> alive;
        for (const auto& [ts, n] : r->receivers)
            alive.push_back(n);
        QCOMPARE(alive, (std::vector<std::uint32_t>{1, 2, 1, 0}));

        // The same after a round trip through the file.
        ImportError err;
        const auto back = import_trace_json(to_chrome_json(t), &err);
        QVERIFY2(back.has_value(), err.message.c_str());
        QCOMPARE(of_kind(*back, EventKind::BroadcastSubscribe).size(), subs.size());
        QCOMPARE(of_kind(*back, EventKind::BroadcastLag).size(), lags.size());
        TimelineModel m2;
        m2.load(*back);
        const auto lanes2 = resource_timelines(m2);
        const ResourceTimeline* r2 = broadcast_lane(lanes2);
        QVERIFY(r2);
        QCOMPARE(r2->subscribers, r->subscribers);
        QCOMPARE(r2->receivers, r->receivers);
    }

    void olderFileFallsBackToInference() {
        Trace t = record();
        std::erase_if(t.events, [](const Event& e) {
            return e.kind == EventKind::BroadcastSubscribe ||
                   e.kind == EventKind::BroadcastUnsubscribe || e.kind == EventKind::BroadcastLag;
        });
        TimelineModel m;
        m.load(t);
        const auto lanes = resource_timelines(m);
        const ResourceTimeline* r = broadcast_lane(lanes);
        QVERIFY(r);
        QVERIFY(r->receivers.empty());
        QCOMPARE(r->subscribers.size(), std::size_t(1));
        const Subscriber& s = r->subscribers[0];
        QCOMPARE(s.subscribed, std::int64_t(-1));
        QCOMPARE(s.recvs, 2u);
        // Every send counts, the one before its subscribe too; the missed
        // values are unknown: 6 sent, 2 received.
        QCOMPARE(s.max_lag, 6);
        QCOMPARE(s.lag_at_end, 4);
    }
};

QTEST_APPLESS_MAIN(TestBroadcastSubscriptions)
#include "test_broadcast_subscriptions.moc"
