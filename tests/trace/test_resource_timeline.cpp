// resource_timelines() on small hand-built traces: a sleep's wait runs from
// the Pending poll's end to the timer's wake, which ends it (the arrow's
// end) and its deadline is the described time left; a broadcast's
// subscribers are the tasks that received from it, each with how far it fell
// behind the sends, and the send a Shutdown event follows is the signal;
// tasks waiting over time count overlapping waits.
#include "resource_timeline.h"
#include "timeline_model.h"

#include <QtTest>

using namespace pollscope;
using namespace pollscope::trace;

namespace {

constexpr std::uint64_t kChan = 0x7f00'1234'5670ull;
constexpr auto kBroadcast = std::uint8_t(ChannelKind::Broadcast);

Event ev(std::int64_t ts, EventKind kind, std::uint32_t task, std::uint32_t arg = 0,
         std::uint32_t arg2 = 0, std::uint8_t flag = 0) {
    Event e;
    e.ts = ts;
    e.kind = kind;
    e.task = task;
    e.arg = arg;
    e.arg2 = arg2;
    e.flag = flag;
    return e;
}

Event op(std::int64_t ts, bool send, std::uint32_t task) {
    return ev(ts, send ? EventKind::ChannelSend : EventKind::ChannelRecv, task,
              std::uint32_t(kChan), std::uint32_t(kChan >> 32), kBroadcast);
}

Trace base() {
    Trace t;
    t.threads.push_back({100, 0, 0});
    return t;
}

/// A Pending poll of `task` over [start, end) waiting on resource `id`.
void pending(Trace& t, std::uint32_t task, std::int64_t start, std::int64_t end, std::uint32_t id) {
    t.events.push_back(ev(start, EventKind::PollStart, task));
    t.events.push_back(ev(end, EventKind::PollEnd, task, 0, id, std::uint8_t(Outcome::Pending)));
}

void ready(Trace& t, std::uint32_t task, std::int64_t start, std::int64_t end) {
    t.events.push_back(ev(start, EventKind::PollStart, task));
    t.events.push_back(ev(end, EventKind::PollEnd, task, 0, 0, std::uint8_t(Outcome::Ready)));
}

const ResourceTimeline* find_kind(const std::vector<ResourceTimeline>& v, std::string_view kind) {
    for (const auto& r : v)
        if (r.row.kind_text == kind)
            return &r;
    return nullptr;
}

} // namespace

class TestResourceTimeline : public QObject {
    Q_OBJECT
private slots:
    void sleep_wait_deadline_and_wake() {
        Trace t = base();
        t.events.push_back(ev(0, EventKind::Spawn, 2));
        t.events.push_back(ev(0, EventKind::Spawn, 3));
        // Task 2 sleeps 5 us from 20 ns: the timer wakes it at 5020.
        t.events.push_back(ev(20, EventKind::Resource, 0, 7, 5, std::uint8_t(ResourceKind::Sleep)));
        pending(t, 2, 10, 20, 7);
        // Task 3 joins task 2 from 30 until task 2's end wakes it.
        t.events.push_back(
            ev(30, EventKind::Resource, 0, 8, 2, std::uint8_t(ResourceKind::JoinHandle)));
        pending(t, 3, 25, 30, 8);
        t.events.push_back(ev(5020, EventKind::Wake, 2, 0, 0, 1));
        ready(t, 2, 5030, 5040);
        t.events.push_back(ev(5040, EventKind::Wake, 3, 2));
        ready(t, 3, 5050, 5060);
        TimelineModel m;
        m.load(t);
        const auto lanes = resource_timelines(m);
        QCOMPARE(lanes.size(), std::size_t(2));
        const ResourceTimeline* s = find_kind(lanes, "sleep");
        QVERIFY(s);
        QCOMPARE(s->deadline, std::int64_t(20 + 5000));
        QCOMPARE(s->joined, 0u);
        QCOMPARE(s->waits.size(), std::size_t(1));
        const ResourceWait& w = s->waits[0];
        QCOMPARE(w.task, 2u);
        QCOMPARE(w.from, std::int64_t(20));
        QCOMPARE(w.until, std::int64_t(5020));
        QCOMPARE(w.woken, std::int64_t(5020));
        QCOMPARE(w.waker, 0u);
        QCOMPARE(s->waiters, std::vector<std::uint32_t>{2});
        QCOMPARE(s->waiting_at(19), 0u);
        QCOMPARE(s->waiting_at(20), 1u);
        QCOMPARE(s->waiting_at(5019), 1u);
        QCOMPARE(s->waiting_at(5020), 0u);
        QCOMPARE(s->peak_waiting, 1u);

        const ResourceTimeline* j = find_kind(lanes, "join_handle");
        QVERIFY(j);
        QCOMPARE(j->joined, 2u);
        QCOMPARE(j->deadline, std::int64_t(-1));
        QCOMPARE(j->waits.size(), std::size_t(1));
        QCOMPARE(j->waits[0].woken, std::int64_t(5040));
        QCOMPARE(j->waits[0].waker, 2u); // task 2's end woke it
        QVERIFY(j->involves(3));
        QVERIFY(!j->involves(2));
    }

    void overlapping_waits_count_up() {
        Trace t = base();
        for (std::uint32_t task : {1u, 2u, 3u})
            t.events.push_back(ev(0, EventKind::Spawn, task));
        t.events.push_back(ev(10, EventKind::Resource, 0, 9, 0, std::uint8_t(ResourceKind::Mutex)));
        pending(t, 1, 5, 10, 9);
        pending(t, 2, 12, 20, 9);
        pending(t, 3, 22, 30, 9);
        t.events.push_back(ev(40, EventKind::Wake, 1, 0));
        ready(t, 1, 45, 50);
        t.events.push_back(ev(50, EventKind::Wake, 2, 1));
        ready(t, 2, 55, 60);
        // Task 3 is never woken: it waits until the end (60).
        TimelineModel m;
        m.load(t);
        const auto lanes = resource_timelines(m);
        QCOMPARE(lanes.size(), std::size_t(1));
        const ResourceTimeline& r = lanes[0];
        QCOMPARE(r.waits.size(), std::size_t(3));
        QCOMPARE(r.peak_waiting, 3u);
        QCOMPARE(r.waiting_at(15), 1u);
        QCOMPARE(r.waiting_at(25), 2u);
        QCOMPARE(r.waiting_at(35), 3u);
        QCOMPARE(r.waiting_at(45), 2u);
        QCOMPARE(r.waiting_at(55), 1u);
        QCOMPARE(r.waits[2].task, 3u);
        QCOMPARE(r.waits[2].woken, std::int64_t(-1)); // no wake: no arrow
        QCOMPARE(r.waits[2].until, std::int64_t(60));
        QCOMPARE(r.waits[1].waker, 1u);
    }

    void broadcast_subscribers_lag_and_shutdown() {
        Trace t = base();
        for (std::uint32_t task : {1u, 2u, 3u})
            t.events.push_back(ev(0, EventKind::Spawn, task));
        t.events.push_back(op(100, true, 1));
        t.events.push_back(op(150, false, 3));
        t.events.push_back(op(200, true, 1));
        t.events.push_back(op(250, false, 2));
        t.events.push_back(op(300, true, 1));
        t.events.push_back(ev(301, EventKind::Shutdown, 1));
        t.events.push_back(op(350, false, 3));
        TimelineModel m;
        m.load(t);
        const auto lanes = resource_timelines(m);
        QCOMPARE(lanes.size(), std::size_t(1));
        const ResourceTimeline& r = lanes[0];
        QCOMPARE(r.row.channel, 0);
        QCOMPARE(r.subscribers.size(), std::size_t(2));
        // Task 2 read one of three, late: 2 behind at most and at the end.
        QCOMPARE(r.subscribers[0], (Subscriber{2, 1, 2, 2}));
        // Task 3: 1 behind after the first send, 2 after the third, 1 at the end.
        QCOMPARE(r.subscribers[1], (Subscriber{3, 2, 2, 1}));
        QCOMPARE(r.shutdown_ops, std::vector<std::uint32_t>{4}); // the send at 300
        const auto& c = m.resource_lanes().channels()[0];
        QCOMPARE(c.ops[4].ts, std::int64_t(300));
        QCOMPARE(channel_level_at(c, 99), 0);
        QCOMPARE(channel_level_at(c, 100), 1);
        QCOMPARE(channel_level_at(c, 300), c.ops[4].level);
        // The key of a channel is its address and kind, in any model of the trace.
        QCOMPARE(resource_key(m, r.row), (ResourceKey{kChan, std::int16_t(kBroadcast), 0}));
    }
};

QTEST_MAIN(TestResourceTimeline)
#include "test_resource_timeline.moc"
