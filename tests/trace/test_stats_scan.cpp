// scan_warnings on hand-built event sequences: Stuck, LostMessage and
// TaskFlood, each found where it should be and not where it should not.

#include "stats_scan.h"

#include <QtTest>

using namespace pollscope::trace;

namespace {

constexpr std::int64_t kMs = 1'000'000;

struct Builder {
    Trace t;
    Builder() { t.threads.push_back({}); }
    Builder& ev(std::int64_t ts, EventKind k, std::uint32_t task, std::uint32_t arg = 0,
                std::uint8_t flag = 0) {
        t.events.push_back({ts, task, arg, 0, 0, k, flag});
        return *this;
    }
    Builder& spawn(std::int64_t ts, std::uint32_t task, std::uint32_t parent = 0) {
        return ev(ts, EventKind::Spawn, task, parent);
    }
    Builder& poll(std::int64_t from, std::int64_t to, std::uint32_t task, Outcome o,
                  bool recv = false) {
        ev(from, EventKind::PollStart, task);
        if (recv)
            ev(from, EventKind::ChannelRecv, task);
        return ev(to, EventKind::PollEnd, task, 0, static_cast<std::uint8_t>(o));
    }
};

int count(const std::vector<Warning>& ws, WarningKind k, std::uint32_t task) {
    int n = 0;
    for (const auto& w : ws)
        n += w.kind == k && w.task == task;
    return n;
}

} // namespace

class TestStatsScan : public QObject {
    Q_OBJECT
private slots:
    void stuckOnlyWhenIdleLongWithoutWake() {
        Builder b;
        b.spawn(0, 1).poll(0, 1, 1, Outcome::Pending).ev(600 * kMs, EventKind::Cancel, 1);
        // woken, polled again, then cancelled soon after: not stuck
        b.spawn(0, 2).poll(0, 1, 2, Outcome::Pending).ev(550 * kMs, EventKind::Wake, 2);
        b.poll(551 * kMs, 552 * kMs, 2, Outcome::Pending).ev(600 * kMs, EventKind::Cancel, 2);
        // cancelled while idle, but briefly (a select loser): not stuck
        b.spawn(0, 3).poll(0, 1, 3, Outcome::Pending).ev(100 * kMs, EventKind::Cancel, 3);
        const auto ws = scan_warnings(b.t);
        QCOMPARE(count(ws, WarningKind::Stuck, 1), 1);
        QCOMPARE(count(ws, WarningKind::Stuck, 2), 0);
        QCOMPARE(count(ws, WarningKind::Stuck, 3), 0);
        QCOMPARE(ws.size(), std::size_t(1));
        QCOMPARE(ws[0].value, 600 * kMs - 1);
    }

    void lostMessageOnlyWhenReceivedInTheLastPoll() {
        Builder b;
        b.spawn(0, 1).poll(0, 1, 1, Outcome::Pending, true).ev(5, EventKind::Cancel, 1);
        // received earlier, then a poll without a receive: not reported
        b.spawn(0, 2).poll(0, 1, 2, Outcome::Pending, true).poll(2, 3, 2, Outcome::Pending);
        b.ev(5, EventKind::Cancel, 2);
        // received and finished: nothing lost
        b.spawn(0, 3).poll(0, 1, 3, Outcome::Ready, true);
        const auto ws = scan_warnings(b.t);
        QCOMPARE(count(ws, WarningKind::LostMessage, 1), 1);
        QCOMPARE(ws.size(), std::size_t(1));
    }

    void floodCountsLiveChildrenOfOneParent() {
        Builder b;
        b.spawn(0, 1);
        for (std::uint32_t i = 0; i < 250; ++i)
            b.spawn(std::int64_t(i), 100 + i, 1);
        for (std::uint32_t i = 0; i < 250; ++i)
            b.poll(1000 + i, 1000 + i, 100 + i, Outcome::Ready);
        // the same number spawned one at a time, each done before the next
        b.spawn(0, 2);
        for (std::uint32_t i = 0; i < 250; ++i)
            b.spawn(2000 + 2 * i, 1000 + i, 2)
                .poll(2000 + 2 * i, 2001 + 2 * i, 1000 + i, Outcome::Ready);
        auto ws = scan_warnings(b.t);
        QCOMPARE(count(ws, WarningKind::TaskFlood, 1), 1);
        QCOMPARE(count(ws, WarningKind::TaskFlood, 2), 0);
        QCOMPARE(ws.front().value, 250);
        QCOMPARE(scan_warnings(b.t, {.flood_children = 250}).size(), std::size_t(0));

        TraceStats stats;
        stats.tasks.push_back({});
        stats.tasks.back().id = 1;
        add_scan_warnings(b.t, stats);
        QCOMPARE(stats.warnings.size(), std::size_t(1));
        QVERIFY(stats.tasks[0].warnings & (1u << unsigned(WarningKind::TaskFlood)));
    }
};

QTEST_GUILESS_MAIN(TestStatsScan)
#include "test_stats_scan.moc"
