// ResourceLanes: each channel's sends and recvs in time order with the fill
// level after each, channels kept apart by address and kind, and the same
// lanes whether the events come whole or in drain-like batches with other
// threads' events late.
#include "timeline_model.h"

#include <QtTest>

#include <algorithm>
#include <limits>
#include <random>

using namespace pollscope::trace;

namespace {

constexpr std::uint64_t kChanA = 0x7f00'1234'5670ull;
constexpr std::uint64_t kChanB = 0x7f00'1234'9990ull;

Event op(std::int64_t ts, bool send, std::uint64_t chan, std::uint8_t kind, std::uint32_t task,
         std::uint16_t thread = 0) {
    Event e;
    e.ts = ts;
    e.kind = send ? EventKind::ChannelSend : EventKind::ChannelRecv;
    e.task = task;
    e.thread = thread;
    e.arg = std::uint32_t(chan);
    e.arg2 = std::uint32_t(chan >> 32);
    e.flag = kind;
    return e;
}

constexpr auto kMpsc = std::uint8_t(pollscope::ChannelKind::Mpsc);
constexpr auto kQueue = std::uint8_t(pollscope::ChannelKind::TaskQueue);
constexpr auto kOneshot = std::uint8_t(pollscope::ChannelKind::Oneshot);

Trace with_threads(int n) {
    Trace t;
    for (int i = 0; i < n; ++i)
        t.threads.push_back({std::uint64_t(100 + i), -1, 0});
    return t;
}

} // namespace

class TestResourceLanes : public QObject {
    Q_OBJECT
private slots:
    void fill_level_after_each_op_in_time_order() {
        TimelineModel m;
        Trace t = with_threads(1);
        // Sends by tasks 1 and 2, recvs by task 3; given out of time order.
        t.events = {op(30, false, kChanA, kMpsc, 3), op(10, true, kChanA, kMpsc, 1),
                    op(20, true, kChanA, kMpsc, 2),  op(40, true, kChanA, kMpsc, 1),
                    op(50, false, kChanA, kMpsc, 3), op(60, false, kChanA, kMpsc, 3)};
        m.load(t);
        const auto& cs = m.resource_lanes().channels();
        QCOMPARE(cs.size(), std::size_t(1));
        const auto& c = cs[0];
        QCOMPARE(c.address, kChanA);
        QCOMPARE(c.kind, kMpsc);
        QCOMPARE(ResourceLanes::label(c), std::string("mpsc 1"));
        QCOMPARE(c.sends, 3u);
        QCOMPARE(c.recvs, 3u);
        std::vector<std::int64_t> ts;
        std::vector<int> level;
        std::vector<std::uint32_t> task;
        for (const auto& o : c.ops) {
            ts.push_back(o.ts);
            level.push_back(o.level);
            task.push_back(o.task);
        }
        QCOMPARE(ts, (std::vector<std::int64_t>{10, 20, 30, 40, 50, 60}));
        QCOMPARE(level, (std::vector<int>{1, 2, 1, 2, 1, 0}));
        QCOMPARE(task, (std::vector<std::uint32_t>{1, 2, 3, 1, 3, 3}));
        QCOMPARE(c.peak(), 2);
        QCOMPARE(c.sends_in(0, 6), 3u);
        QCOMPARE(c.sends_in(2, 4), 1u); // recv at 30, send at 40
        QCOMPARE(c.max_level(2, 3), 1);
        QCOMPARE(c.max_level(4, 6), 1);
        QCOMPARE(ResourceLanes::op_at_or_after(c, 31), std::size_t(3));
    }

    void channels_apart_by_address_and_kind_in_order_of_first_use() {
        TimelineModel m;
        Trace t = with_threads(1);
        t.events = {op(5, true, kChanB, kMpsc, 1),          op(7, true, kChanA, kQueue, 0),
                    op(8, false, kChanA, kQueue, 0),        op(9, true, kChanA, kMpsc, 2),
                    op(11, false, kChanB, kMpsc, 3),        op(12, true, kChanA + 64, kOneshot, 4),
                    op(13, false, kChanA + 64, kOneshot, 5)};
        m.load(t);
        const auto& cs = m.resource_lanes().channels();
        QCOMPARE(cs.size(), std::size_t(4));
        QStringList labels;
        for (const auto& c : cs)
            labels << QString::fromStdString(ResourceLanes::label(c));
        QCOMPARE(labels, (QStringList{"mpsc 1", "task channel", "mpsc 2", "oneshot 1"}));
        QCOMPARE(cs[0].address, kChanB);
        QCOMPARE(cs[0].ops.size(), std::size_t(2));
        QCOMPARE(cs[0].ops.back().level, 0);
        // The same address as a task channel and as an mpsc: two lanes.
        QCOMPARE(cs[1].address, kChanA);
        QCOMPARE(cs[2].address, kChanA);
        QCOMPARE(cs[1].ops.size(), std::size_t(2));
        QCOMPARE(cs[2].ops.size(), std::size_t(1));
        QCOMPARE(cs[2].ops[0].level, 1);
        QCOMPARE(cs[3].ops.back().level, 0);
        QCOMPARE(cs[3].peak(), 1);
    }

    void late_events_move_a_channel_and_its_levels() {
        // Thread 1's events come in a later batch than thread 0's.
        TimelineModel m;
        m.merge_tables(with_threads(2));
        m.append({op(20, true, kChanA, kMpsc, 1, 0), op(40, false, kChanA, kMpsc, 2, 0),
                  op(30, true, kChanB, kMpsc, 1, 0)});
        QCOMPARE(QString::fromStdString(ResourceLanes::label(m.resource_lanes().channels()[0])),
                 QStringLiteral("mpsc 1"));
        QCOMPARE(m.resource_lanes().channels()[1].address, kChanB);
        m.append({op(10, true, kChanB, kMpsc, 3, 1), op(25, false, kChanA, kMpsc, 3, 1)});
        const auto& cs = m.resource_lanes().channels();
        QCOMPARE(cs[0].address, kChanB); // first used at 10 now
        QCOMPARE(cs[0].ordinal, 1u);
        QCOMPARE(cs[1].ordinal, 2u);
        std::vector<int> levels;
        for (const auto& o : cs[1].ops)
            levels.push_back(o.level);
        QCOMPARE(levels, (std::vector<int>{1, 0, -1})); // send 20, recv 25, recv 40
        QCOMPARE(cs[1].peak(), 1);
        QCOMPARE(cs[0].peak(), 2);
    }

    void batches_with_late_threads_give_the_same_lanes_as_one_load() {
        std::mt19937 rng(7);
        constexpr int kThreads = 3;
        // Channels come into use throughout, so late batches bring new
        // channels that were used before others already seen.
        constexpr int kChans = 12;
        std::vector<std::uint64_t> chans;
        for (int c = 0; c < kChans; ++c)
            chans.push_back(kChanA + std::uint64_t(c) * 64);
        // Each thread records in its own time order; times are shared, so
        // equal times across threads happen too.
        std::vector<std::vector<Event>> per_thread(kThreads);
        for (int th = 0; th < kThreads; ++th) {
            std::int64_t ts = 0;
            for (int k = 0; k < 400; ++k) {
                ts += std::int64_t(rng() % 4);
                const auto ch = rng() % std::uint32_t(std::min(kChans, 1 + k / 30));
                per_thread[std::size_t(th)].push_back(
                    op(ts, rng() % 5 < 3, chans[ch], ch % 3 == 2 ? kQueue : kMpsc,
                       std::uint32_t(rng() % 6), std::uint16_t(th)));
            }
        }
        Trace whole = with_threads(kThreads);
        for (const auto& v : per_thread)
            whole.events.insert(whole.events.end(), v.begin(), v.end());
        sort_events(whole.events);
        TimelineModel at_once;
        at_once.load(whole);

        // Drains: each batch holds the next slice of every thread, but a
        // thread's slice is delivered one batch late now and then.
        TimelineModel sliced;
        sliced.merge_tables(with_threads(kThreads));
        std::vector<std::size_t> pos(kThreads, 0);
        std::vector<Event> held;
        bool left = true;
        while (left) {
            left = false;
            std::vector<Event> batch = std::move(held);
            held.clear();
            for (int th = 0; th < kThreads; ++th) {
                auto& v = per_thread[std::size_t(th)];
                auto& p = pos[std::size_t(th)];
                const std::size_t n = std::min<std::size_t>(v.size() - p, 1 + rng() % 40);
                auto& into = rng() % 3 == 0 ? held : batch;
                into.insert(into.end(), v.begin() + std::ptrdiff_t(p),
                            v.begin() + std::ptrdiff_t(p + n));
                p += n;
                left = left || p < v.size();
            }
            if (!left) {
                batch.insert(batch.end(), held.begin(), held.end());
                held.clear();
            }
            sliced.append(std::move(batch));
        }
        const auto& a = at_once.resource_lanes().channels();
        const auto& b = sliced.resource_lanes().channels();
        QCOMPARE(a.size(), std::size_t(kChans));
        QCOMPARE(b.size(), a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].address, a[i].address);
            QCOMPARE(b[i].ordinal, a[i].ordinal);
            QCOMPARE(b[i].ops.size(), a[i].ops.size());
            // Equal times may interleave differently across threads; the
            // levels between instants and every op's level inside one
            // thread's order are what must agree: compare per instant.
            for (std::size_t k = 0; k < a[i].ops.size(); ++k) {
                const bool instant_ends =
                    k + 1 == a[i].ops.size() || a[i].ops[k + 1].ts != a[i].ops[k].ts;
                QCOMPARE(b[i].ops[k].ts, a[i].ops[k].ts);
                if (instant_ends)
                    QCOMPARE(b[i].ops[k].level, a[i].ops[k].level);
            }
            QCOMPARE(b[i].sends, a[i].sends);
            QCOMPARE(b[i].recvs, a[i].recvs);
        }
    }

    void group_queries_match_a_plain_count() {
        std::mt19937 rng(3);
        TimelineModel m;
        Trace t = with_threads(1);
        for (int k = 0; k < 3000; ++k)
            t.events.push_back(op(k, rng() % 2 == 0, kChanA, kMpsc, 1));
        m.load(t);
        const auto& c = m.resource_lanes().channels()[0];
        for (int trial = 0; trial < 200; ++trial) {
            std::size_t i = rng() % c.ops.size(), j = rng() % c.ops.size();
            if (i > j)
                std::swap(i, j);
            ++j;
            std::uint32_t sends = 0;
            int top = std::numeric_limits<int>::min();
            for (std::size_t k = i; k < j; ++k) {
                sends += c.ops[k].send;
                top = std::max(top, c.ops[k].level);
            }
            QCOMPARE(c.sends_in(i, j), sends);
            QCOMPARE(c.max_level(i, j), top);
        }
    }
};

QTEST_MAIN(TestResourceLanes)
#include "test_resource_lanes.moc"
