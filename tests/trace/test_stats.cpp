// compute_stats on hand-built event sequences: exact times, counts, states,
// percentiles and every warning.

#include "stats.h"
#include "synthetic.h"
#include "timeline_model.h"

#include <stop_token>

#include <QtTest>

using namespace pollscope::trace;

namespace {

/// Builds a trace one event at a time on thread 0 unless told otherwise.
struct Builder {
    Trace t;
    Builder() {
        t.threads.push_back({});
        t.threads.push_back({});
    }
    Builder& ev(std::int64_t ts, EventKind k, std::uint32_t task, std::uint32_t arg = 0,
                std::uint32_t arg2 = 0, std::uint8_t flag = 0, std::uint16_t thread = 0) {
        t.events.push_back({ts, task, arg, arg2, thread, k, flag});
        return *this;
    }
    Builder& spawn(std::int64_t ts, std::uint32_t task, std::uint32_t parent = 0) {
        return ev(ts, EventKind::Spawn, task, parent);
    }
    Builder& poll(std::int64_t from, std::int64_t to, std::uint32_t task, Outcome o,
                  std::uint16_t thread = 0) {
        ev(from, EventKind::PollStart, task, 0, 0, 0, thread);
        return ev(to, EventKind::PollEnd, task, 0, 0, static_cast<std::uint8_t>(o), thread);
    }
    Builder& wake(std::int64_t ts, std::uint32_t task, std::uint32_t by) {
        return ev(ts, EventKind::Wake, task, by);
    }
};

const TaskStats& task(const TraceStats& s, std::uint32_t id) {
    for (auto& t : s.tasks)
        if (t.id == id)
            return t;
    static TaskStats none;
    return none;
}

bool has(const TaskStats& t, WarningKind k) {
    return t.warnings & (1u << unsigned(k));
}

} // namespace

class TestStats : public QObject {
    Q_OBJECT
private slots:
    void timeAccounting();
    void wokenWhileRunningIsScheduled();
    void endStates();
    void percentiles();
    void longPollAndNeverYielded();
    void selfWakes();
    void lostWaker();
    void taskNamesAndSites();
    void spawnSortedAfterPollAtEqualTime();
    void stopRequestedEndsEarly();
};

void TestStats::timeAccounting() {
    Builder b;
    b.spawn(0, 1)
        .poll(10, 20, 1, Outcome::Pending)
        .wake(50, 1, 2)
        .poll(60, 70, 1, Outcome::Ready, 1)
        .ev(100, EventKind::Mark, 0);
    const auto s = compute_stats(b.t);
    const auto& t = task(s, 1);
    QCOMPARE(t.state, TaskState::Done);
    QCOMPARE(t.polls, 2u);
    QCOMPARE(t.pending_polls, 1u);
    QCOMPARE(t.wakes, 1u);
    QCOMPARE(t.self_wakes, 0u);
    QCOMPARE(t.busy_ns, 20);
    QCOMPARE(t.idle_ns, 30);
    QCOMPARE(t.scheduled_ns, 20);
    QCOMPARE(t.total_ns, 70);
    QCOMPARE(t.busy_ns + t.idle_ns + t.scheduled_ns, t.total_ns);
    QCOMPARE(t.ended_at, 70);
    QCOMPARE(t.threads, (std::vector<std::uint16_t>{0, 1}));
    QCOMPARE(t.scheduled_times.count, 2u);
    QCOMPARE(t.scheduled_times.p50, 10);
    QCOMPARE(t.poll_times.max, 10);
    QCOMPARE(s.end_ts, 100);
    QVERIFY(s.warnings.empty());
}

void TestStats::wokenWhileRunningIsScheduled() {
    Builder b;
    b.spawn(0, 1).poll(0, 10, 1, Outcome::Pending);
    b.t.events.insert(b.t.events.begin() + 2, {5, 1, 1, 0, 0, EventKind::Wake, 0}); // self wake
    b.poll(30, 40, 1, Outcome::Ready);
    const auto t = task(compute_stats(b.t), 1);
    QCOMPARE(t.self_wakes, 1u);
    QCOMPARE(t.idle_ns, 0);
    QCOMPARE(t.scheduled_ns, 20);
    QCOMPARE(t.busy_ns, 20);
}

void TestStats::endStates() {
    Builder b;
    b.spawn(0, 1).spawn(0, 2).spawn(0, 3).spawn(0, 4);
    b.poll(1, 2, 1, Outcome::Failed).ev(2, EventKind::Fail, 1);
    b.poll(3, 4, 2, Outcome::Pending).ev(10, EventKind::Cancel, 2);
    b.ev(5, EventKind::PollStart, 3); // still running at the end
    b.wake(6, 4, 0);                  // scheduled, never polled
    b.ev(20, EventKind::Mark, 0);
    sort_events(b.t.events);
    const auto s = compute_stats(b.t);
    QCOMPARE(task(s, 1).state, TaskState::Failed);
    QCOMPARE(task(s, 2).state, TaskState::Cancelled);
    QCOMPARE(task(s, 2).idle_ns, 6);
    QCOMPARE(task(s, 2).total_ns, 10);
    QCOMPARE(task(s, 3).state, TaskState::Running);
    QCOMPARE(task(s, 3).busy_ns, 15);
    QCOMPARE(task(s, 3).ended_at, -1);
    QCOMPARE(task(s, 4).state, TaskState::Scheduled);
    QCOMPARE(task(s, 4).scheduled_ns, 20);
    QCOMPARE(task(s, 4).total_ns, 20);
}

void TestStats::percentiles() {
    std::vector<std::int64_t> v;
    for (int i = 100; i >= 1; --i)
        v.push_back(i);
    const auto d = summarize(v);
    QCOMPARE(d.count, 100u);
    QCOMPARE(d.min, 1);
    QCOMPARE(d.max, 100);
    QCOMPARE(d.p50, 50);
    QCOMPARE(d.p90, 90);
    QCOMPARE(d.p99, 99);
    QCOMPARE(d.mean, 50); // 50.5 truncated
    std::uint64_t in_buckets = 0;
    for (auto c : d.buckets)
        in_buckets += c;
    QCOMPARE(in_buckets, 100u);
    QCOMPARE(d.buckets[0], 1u);  // 1 ns
    QCOMPARE(d.buckets[6], 37u); // 64..100
}

void TestStats::longPollAndNeverYielded() {
    const std::int64_t ms = 1'000'000;
    Builder b;
    b.spawn(0, 1).poll(0, 5 * ms, 1, Outcome::Pending).wake(6 * ms, 1, 0);
    b.poll(7 * ms, 20 * ms, 1, Outcome::Ready);             // 13 ms: long
    b.spawn(0, 2).poll(1 * ms, 12 * ms, 2, Outcome::Ready); // one 11 ms poll, never Pending
    b.spawn(0, 3).poll(1 * ms, 2 * ms, 3, Outcome::Ready);
    sort_events(b.t.events);
    auto s = compute_stats(b.t);
    QVERIFY(has(task(s, 1), WarningKind::LongPoll));
    QVERIFY(!has(task(s, 1), WarningKind::NeverYielded));
    QVERIFY(has(task(s, 2), WarningKind::LongPoll));
    QVERIFY(has(task(s, 2), WarningKind::NeverYielded));
    QCOMPARE(task(s, 3).warnings, 0u);
    int long_polls = 0;
    for (auto& w : s.warnings)
        if (w.kind == WarningKind::LongPoll) {
            ++long_polls;
            QVERIFY(w.message.find("poll ran") != std::string::npos);
        }
    QCOMPARE(long_polls, 2);
    StatsOptions o;
    o.long_poll_ns = 20 * ms;
    s = compute_stats(b.t, o);
    QVERIFY(s.warnings.empty());
}

void TestStats::selfWakes() {
    Builder b;
    b.spawn(0, 1);
    std::int64_t ts = 1;
    for (int i = 0; i < 10; ++i) {
        b.ev(ts, EventKind::PollStart, 1);
        b.wake(ts + 1, 1, i < 6 ? 1 : 2); // 6 of 10 self wakes
        b.ev(ts + 2, EventKind::PollEnd, 1, 0, 0, 0);
        ts += 10;
    }
    auto s = compute_stats(b.t);
    QCOMPARE(task(s, 1).self_wakes, 6u);
    QVERIFY(has(task(s, 1), WarningKind::SelfWakes));
    QCOMPARE(s.warnings.back().value, 60);
    StatsOptions o;
    o.self_wake_ratio = 0.6; // exactly 60 % is not over
    QVERIFY(!has(task(compute_stats(b.t, o), 1), WarningKind::SelfWakes));
}

void TestStats::lostWaker() {
    Builder b;
    b.t.strings.push_back("a.cpp");
    b.t.locations.push_back({1, 0, 42, 1});
    b.spawn(0, 1).ev(1, EventKind::PollStart, 1).ev(2, EventKind::PollEnd, 1, 1, 0, 0);
    b.spawn(0, 2).poll(1, 2, 2, Outcome::Pending).wake(3, 2, 0); // woken: fine
    b.ev(50, EventKind::Mark, 0);
    const auto s = compute_stats(b.t);
    QVERIFY(has(task(s, 1), WarningKind::LostWaker));
    QVERIFY(!has(task(s, 2), WarningKind::LostWaker));
    QCOMPARE(task(s, 1).last_await_site, 1u);
    const auto& w = s.warnings.back();
    QCOMPARE(w.kind, WarningKind::LostWaker);
    QCOMPARE(w.value, 48);
    QVERIFY(w.message.find("a.cpp:42") != std::string::npos);
}

void TestStats::taskNamesAndSites() {
    Builder b;
    b.t.strings.push_back("sender");
    b.spawn(5, 9, 4).ev(5, EventKind::TaskName, 9, 1);
    b.t.events[0].arg2 = 0;
    const auto s = compute_stats(b.t);
    QCOMPARE(task(s, 9).name, std::string("sender"));
    QCOMPARE(task(s, 9).parent, 4u);
    QCOMPARE(task(s, 9).spawned_at, 5);
}

void TestStats::spawnSortedAfterPollAtEqualTime() {
    // Virtual time: every event at ts 0; the worker's chunk sorts before main's.
    Builder b;
    b.poll(0, 0, 1, Outcome::Ready, 1).spawn(0, 1, 0);
    const auto s = compute_stats(b.t);
    QCOMPARE(task(s, 1).state, TaskState::Done);
    QCOMPARE(task(s, 1).polls, 1u);
}

// A file's statistics abandoned (another file opened, a run started) stop
// before counting every poll; without a stop, every poll counts.
void TestStats::stopRequestedEndsEarly() {
    TimelineModel model;
    model.load(make_synthetic_trace(100'000, 200, 4));
    const auto polls = [](const TraceStats& s) {
        std::uint64_t n = 0;
        for (const auto& t : s.tasks)
            n += t.polls;
        return n;
    };
    QVERIFY(model.polls().size() > 10'000);
    QCOMPARE(polls(compute_stats(model)), std::uint64_t(model.polls().size()));
    std::stop_source stop;
    stop.request_stop();
    QCOMPARE(polls(compute_stats(model, {}, stop.get_token())), std::uint64_t(0));
}

QTEST_GUILESS_MAIN(TestStats)
#include "test_stats.moc"
