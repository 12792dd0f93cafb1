// Resource timelines (trace/resource_timeline.h) of a real recorded run of
// the event-loop example (virtual clock): the mpsc "events" lane's fill
// level rises with every event queued and falls with every one main_loop
// receives, checked against the raw ChannelSend/ChannelRecv events; its
// tasks are the ten senders and main_loop; the broadcast "shutdown" lane has
// one subscriber (main_loop, its subscribe recorded, of the two receivers
// test_main_loop subscribes) and one send, the shutdown signal; every wait
// is a Pending poll that named the resource, and each wait a wake ended
// points at the task it woke. Sleeps carry their deadline.
#include "record_trace.h"
#include "resource_timeline.h"
#include "timeline_model.h"

#include <QtTest>

#include <algorithm>
#include <map>
#include <set>

using namespace pollscope;
using namespace pollscope::trace;

namespace {

const ResourceTimeline* find_kind(const std::vector<ResourceTimeline>& lanes,
                                  std::string_view kind) {
    const auto it = std::find_if(lanes.begin(), lanes.end(), [&](const ResourceTimeline& r) {
        return r.row.kind_text == kind;
    });
    return it == lanes.end() ? nullptr : &*it;
}

} // namespace

class TestResourceTimelines : public QObject {
    Q_OBJECT
private slots:
    void event_loop_lanes() {
        TimelineModel m;
        m.load(test::record_trace(QStringLiteral("event-loop"), true));
        const Trace& tr = m.trace();
        const auto lanes = resource_timelines(m);
        const auto& chans = m.resource_lanes().channels();

        // The mpsc lane: its fill level after each op is the events sent
        // minus the events received by then, counted from the raw events.
        const ResourceTimeline* mpsc = find_kind(lanes, "mpsc");
        QVERIFY(mpsc);
        QCOMPARE(mpsc->row.name, std::string("events"));
        const ChannelLane& c = chans[std::size_t(mpsc->row.channel)];
        std::int32_t queued = 0, most = 0;
        std::size_t k = 0;
        for (const Event& e : tr.events) {
            if ((e.kind != EventKind::ChannelSend && e.kind != EventKind::ChannelRecv) ||
                e.flag != std::uint8_t(ChannelKind::Mpsc))
                continue;
            const bool send = e.kind == EventKind::ChannelSend;
            queued += send ? 1 : -1;
            most = std::max(most, queued);
            QVERIFY(k < c.ops.size());
            QCOMPARE(c.ops[k].send, send);
            QCOMPARE(c.ops[k].level, queued);
            QCOMPARE(channel_level_at(c, e.ts) >= 0, true);
            if (!send) // every fall is main_loop receiving
                QCOMPARE(m.task_label(c.ops[k].task), std::string("main_loop"));
            else
                QVERIFY(m.task_label(c.ops[k].task).starts_with("sender "));
            ++k;
        }
        QCOMPARE(k, c.ops.size());
        QCOMPARE(c.sends, 10u);
        QCOMPARE(c.peak(), most);
        QVERIFY(most >= 1);
        QCOMPARE(channel_level_at(c, tr.events.back().ts), 0); // all taken
        qInfo("mpsc fill level peaked at %d queued events", most);

        // Selecting it: the ten senders and main_loop, nobody else.
        std::set<std::string> involved;
        for (const auto t : mpsc->row.tasks)
            involved.insert(m.task_label(t));
        std::set<std::string> expected{"main_loop"};
        for (int i = 0; i < 10; ++i)
            expected.insert("sender " + std::to_string(i));
        QCOMPARE(involved, expected);
        QVERIFY(mpsc->involves(mpsc->row.tasks.front()));
        // main_loop waited on it (its select's first branch).
        QCOMPARE(mpsc->waiters.size(), std::size_t(1));
        QCOMPARE(m.task_label(mpsc->waiters[0]), std::string("main_loop"));

        // The broadcast: one subscriber, main_loop, and one send, the shutdown.
        const ResourceTimeline* bc = find_kind(lanes, "broadcast");
        QVERIFY(bc);
        // (No poll waited on it by name: main_loop's select notes its first
        // branch, the mpsc; so the lane is named by kind and number.)
        QCOMPARE(bc->row.name, std::string("broadcast 1"));
        QCOMPARE(bc->subscribers.size(), std::size_t(1));
        QCOMPARE(m.task_label(bc->subscribers[0].task), std::string("main_loop"));
        QCOMPARE(bc->subscribers[0].recvs, 1u);
        QCOMPARE(bc->subscribers[0].lag_at_end, 0);
        // Recorded, not inferred: test_main_loop's two receivers (channel()'s,
        // kept, and the one it subscribes for main_loop, which takes it).
        std::vector<const Event*> subscribes;
        for (const Event& e : tr.events)
            if (e.kind == EventKind::BroadcastSubscribe)
                subscribes.push_back(&e);
        QCOMPARE(subscribes.size(), std::size_t(2));
        for (const Event* e : subscribes)
            QCOMPARE(m.task_label(e->task), std::string("test_main_loop"));
        QCOMPARE(bc->subscribers[0].subscribed, subscribes[1]->ts);
        QCOMPARE(bc->subscribers[0].missed, 0u);
        std::uint32_t peak = 0;
        for (const auto& [ts, n] : bc->receivers)
            peak = std::max(peak, n);
        QCOMPARE(peak, 2u);
        const ChannelLane& b = chans[std::size_t(bc->row.channel)];
        QCOMPARE(b.sends, 1u);
        QCOMPARE(bc->shutdown_ops.size(), std::size_t(1));
        const ChannelOp& sd = b.ops[bc->shutdown_ops[0]];
        QVERIFY(sd.send);
        QCOMPARE(m.task_label(sd.task), std::string("test_main_loop"));
        // ... and the trace's Shutdown event is that task's, right after it.
        const auto shutdown = std::find_if(tr.events.begin(), tr.events.end(), [](const Event& e) {
            return e.kind == EventKind::Shutdown;
        });
        QVERIFY(shutdown != tr.events.end());
        QCOMPARE(shutdown->task, sd.task);
        QVERIFY(shutdown->ts >= sd.ts);
    }

    void mpsc_fill_rises_to_the_events_queued_at_once() {
        // Five events per sender, each sender sending its five in one poll
        // on the one worker (main_loop cannot take one in between): the
        // level rises by each send and falls by each of main_loop's recvs.
        TimelineModel m;
        m.load(test::record_trace(QStringLiteral("event-loop"), true,
                                  {{"events", 5}, {"workers", 1}}));
        const auto lanes = resource_timelines(m);
        const ResourceTimeline* mpsc = find_kind(lanes, "mpsc");
        QVERIFY(mpsc);
        const ChannelLane& c = m.resource_lanes().channels()[std::size_t(mpsc->row.channel)];
        QCOMPARE(c.sends, 50u);
        QCOMPARE(c.recvs, 50u);
        std::int32_t queued = 0;
        for (const ChannelOp& o : c.ops) {
            queued += o.send ? 1 : -1;
            QCOMPARE(o.level, queued);
            QCOMPARE(channel_level_at(c, o.ts) >= 0, true);
        }
        qInfo("mpsc fill level peaked at %d queued events", c.peak());
        QVERIFY(c.peak() >= 5);
        QCOMPARE(queued, 0);
    }

    void waits_are_the_pending_polls_that_named_the_resource() {
        for (const char* id : {"event-loop", "join", "select", "late-subscriber"}) {
            TimelineModel m;
            m.load(test::record_trace(QString::fromLatin1(id), true));
            const auto lanes = resource_timelines(m);
            std::uint64_t waits = 0;
            for (const ResourceTimeline& r : lanes) {
                QCOMPARE(std::uint64_t(r.waits.size()), r.row.waits);
                waits += r.waits.size();
                std::uint32_t most = 0;
                for (const ResourceWait& w : r.waits) {
                    const PollBar& p = m.polls()[w.poll];
                    QCOMPARE(p.task, w.task);
                    QCOMPARE(p.outcome, Outcome::Pending);
                    QCOMPARE(w.from, p.end);
                    QVERIFY(w.until >= w.from);
                    QVERIFY(std::find(r.row.ids.begin(), r.row.ids.end(), m.waits_on(w.poll)) !=
                            r.row.ids.end());
                    if (w.woken >= 0) {
                        // The wake is the task's, within the wait.
                        QVERIFY(w.woken >= w.from);
                        const Lane& lane = m.task_lanes()[std::size_t(m.task_lane(w.task))];
                        QVERIFY(std::any_of(
                            lane.wakes.begin(), lane.wakes.end(),
                            [&](const WakeRec& x) { return std::max(x.ts, w.from) == w.woken; }));
                    }
                    // Tasks waiting then, counted from the waits themselves.
                    const auto at = [&](std::int64_t t) {
                        std::uint32_t n = 0;
                        for (const ResourceWait& x : r.waits)
                            n += x.from <= t && t < x.until;
                        return n;
                    };
                    if (w.until > w.from) {
                        QCOMPARE(r.waiting_at(w.from), at(w.from));
                        most = std::max(most, at(w.from));
                    }
                }
                QCOMPARE(r.peak_waiting, most);
                if (r.row.kind_text == "sleep") {
                    const ResourceInfo* info = m.resource(r.row.id);
                    QVERIFY(info);
                    QCOMPARE(r.deadline, info->ts + std::int64_t(info->arg) * 1000);
                    QVERIFY(r.deadline >= info->ts);
                }
            }
            std::uint64_t pending = 0;
            for (std::uint32_t i = 0; i < m.polls().size(); ++i) {
                const PollBar& p = m.polls()[i];
                // (Those that named no resource have no lane.)
                pending += !p.open() && p.outcome == Outcome::Pending && m.waits_on(i) != 0;
            }
            QCOMPARE(waits, pending); // every Pending poll's wait is in one lane
        }
    }
};

QTEST_MAIN(TestResourceTimelines)
#include "test_resource_timelines.moc"
