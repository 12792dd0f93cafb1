// TraceRecorder: hooks become events; concurrent writers and an incremental
// reader see every event exactly once in per-thread order; the ring counts
// every dropped event.

#include "clock.h"
#include "recorder.h"

#include <QtTest>

#include <algorithm>

#include <atomic>
#include <ctime>
#include <thread>
#include <tuple>
#include <vector>

using namespace pollscope;
using namespace pollscope::trace;

class TestRecorder : public QObject {
    Q_OBJECT
private slots:
    void hooksBecomeEvents();
    void awaitSitesInternedOnce();
    void concurrentWritersIncrementalReader();
    void ringCountsDropsExactly();
    void ringWithConcurrentReader();
    void yieldAndItsSelfWakeShareOneRecord();
    void costPerEvent();
    void largeArgsAndLongSilences();
    void virtualTimeRecordsAndDrainMatchSnapshot();
    void realStampsInNanoseconds();
};

void TestRecorder::hooksBecomeEvents() {
    std::int64_t now = 100;
    TraceRecorder rec({0, [&] { return now++; }, true});
    const auto loc = std::source_location::current();
    rec.on_worker_start(0, "wrk-0");
    rec.on_spawn({7, 3, "sender", loc});
    rec.on_poll_start(7);
    rec.on_wake(9, 7);
    rec.on_poll_end(7, PollResult::Pending, loc, nullptr);
    rec.on_mark(7, "event 3 received");
    int chan = 0;
    rec.on_channel_send(ChannelKind::Mpsc, &chan);
    rec.on_fail(7, std::make_exception_ptr(std::runtime_error("boom")));
    rec.on_cancel(9);
    rec.on_shutdown_signal(0);
    rec.on_yield(7);

    Trace t = rec.snapshot();
    QVERIFY(t.virtual_time);
    QCOMPARE(t.threads.size(), std::size_t(1));
    QCOMPARE(t.threads[0].worker, 0);
    QCOMPARE(t.string(t.threads[0].name), std::string_view("wrk-0"));
    const std::vector<EventKind> kinds{
        EventKind::WorkerStart, EventKind::Spawn,   EventKind::TaskName, EventKind::PollStart,
        EventKind::Wake,        EventKind::PollEnd, EventKind::Mark,     EventKind::ChannelSend,
        EventKind::Fail,        EventKind::Cancel,  EventKind::Shutdown, EventKind::Yield};
    QCOMPARE(t.events.size(), kinds.size());
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        QCOMPARE(t.events[i].kind, kinds[i]);
        QCOMPARE(t.events[i].ts, std::int64_t(100 + i));
    }
    const Event& spawn = t.events[1];
    QCOMPARE(spawn.task, 7u);
    QCOMPARE(spawn.arg, 3u);
    QCOMPARE(t.locations[spawn.arg2].line, loc.line());
    QCOMPARE(t.string(t.locations[spawn.arg2].file), std::string_view(loc.file_name()));
    QCOMPARE(t.string(t.events[2].arg), std::string_view("sender"));
    QCOMPARE(t.events[4].arg, 7u); // woken by task 7
    QCOMPARE(t.events[5].outcome(), Outcome::Pending);
    QCOMPARE(t.events[5].arg, spawn.arg2); // same site, same id
    QCOMPARE(t.string(t.events[6].arg), std::string_view("event 3 received"));
    const auto addr = reinterpret_cast<std::uintptr_t>(&chan);
    QCOMPARE((std::uint64_t(t.events[7].arg2) << 32) | t.events[7].arg, std::uint64_t(addr));
    QCOMPARE(t.string(t.events[8].arg), std::string_view("boom"));
}

void TestRecorder::awaitSitesInternedOnce() {
    TraceRecorder rec;
    const std::vector<std::source_location> sites{std::source_location::current(),
                                                  std::source_location::current(),
                                                  std::source_location::current()};
    for (int round = 0; round < 100; ++round)
        for (auto& s : sites)
            rec.on_poll_end(1, PollResult::Pending, s, nullptr);
    Trace t = rec.snapshot();
    QCOMPARE(t.locations.size(), std::size_t(1 + 3)); // unknown + 3 distinct sites
    QCOMPARE(t.events.size(), std::size_t(300));
}

namespace {
constexpr int kWriters = 4;
constexpr std::uint32_t kPerWriter = 50'000;

/// Checks that out holds each (writer, seq) exactly once, each writer's in order.
void check_exactly_once(const std::vector<Event>& out, std::uint64_t missed, bool allow_gaps) {
    std::vector<std::int64_t> last(kWriters, -1);
    std::uint64_t seen = 0;
    for (const Event& e : out) {
        const auto w = e.task / 1'000'000;
        const auto seq = std::int64_t(e.task % 1'000'000);
        QVERIFY(w < kWriters);
        if (allow_gaps)
            QVERIFY2(seq > last[w], "per-thread order broken");
        else
            QCOMPARE(seq, last[w] + 1);
        last[w] = seq;
        ++seen;
    }
    QCOMPARE(seen + missed, std::uint64_t(kWriters) * kPerWriter);
}
} // namespace

void TestRecorder::concurrentWritersIncrementalReader() {
    TraceRecorder rec;
    std::atomic<int> done{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w)
        writers.emplace_back([&, w] {
            for (std::uint32_t i = 0; i < kPerWriter; ++i)
                rec.on_poll_start(std::uint32_t(w) * 1'000'000 + i);
            done.fetch_add(1);
        });
    std::vector<Event> out;
    ReadCursor cursor;
    Trace tables;
    int drains = 0;
    std::uint64_t missed = 0;
    while (done.load() < kWriters) {
        missed += rec.drain(cursor, out, &tables).missed;
        ++drains;
    }
    for (auto& t : writers)
        t.join();
    missed += rec.drain(cursor, out, &tables).missed;
    QCOMPARE(missed, std::uint64_t(0));
    QCOMPARE(tables.threads.size(), std::size_t(kWriters));
    check_exactly_once(out, missed, false);
    // A further drain brings nothing new.
    std::vector<Event> more;
    QCOMPARE(rec.drain(cursor, more).events, std::size_t(0));
    QVERIFY(drains > 0);
}

void TestRecorder::ringCountsDropsExactly() {
    const std::size_t capacity = 10'000;
    TraceRecorder rec({capacity, {}, false});
    const std::uint32_t total = 200'000;
    for (std::uint32_t i = 0; i < total; ++i)
        rec.on_poll_start(i);
    std::vector<Event> out;
    ReadCursor cursor;
    const auto r = rec.drain(cursor, out);
    QCOMPARE(out.size() + r.missed, std::size_t(total));
    QCOMPARE(r.missed, rec.dropped());
    QVERIFY(out.size() >= capacity);
    QVERIFY(rec.dropped() > 0);
    // What is kept is the newest, in order.
    QCOMPARE(out.back().task, total - 1);
    for (std::size_t i = 1; i < out.size(); ++i)
        QCOMPARE(out[i].task, out[i - 1].task + 1);
    QCOMPARE(rec.snapshot().dropped, rec.dropped());
    QCOMPARE(rec.recorded(), std::uint64_t(total));
}

void TestRecorder::ringWithConcurrentReader() {
    TraceRecorder rec({5'000, {}, false});
    std::atomic<int> done{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w)
        writers.emplace_back([&, w] {
            for (std::uint32_t i = 0; i < kPerWriter; ++i)
                rec.on_poll_start(std::uint32_t(w) * 1'000'000 + i);
            done.fetch_add(1);
        });
    std::vector<Event> out;
    ReadCursor cursor;
    std::uint64_t missed = 0;
    while (done.load() < kWriters) {
        missed += rec.drain(cursor, out).missed;
        std::this_thread::yield();
    }
    for (auto& t : writers)
        t.join();
    missed += rec.drain(cursor, out).missed;
    check_exactly_once(out, missed, true);
    QVERIFY(missed <= rec.dropped());
}

void TestRecorder::yieldAndItsSelfWakeShareOneRecord() {
    // yield_now: a yield, then its task's own wake, inside a poll. They are
    // one record, held until the wake, and come out as the two events they
    // were; a held yield that no self-wake follows comes out alone, before
    // whatever followed it, and a drain never sees a held one twice.
    std::int64_t now = 100;
    TraceRecorder rec({0, [&] { return now++; }, false});
    const auto site = std::source_location::current();
    ReadCursor cursor;
    std::vector<Event> out;
    rec.on_poll_start(7);
    rec.on_yield(7);
    rec.drain(cursor, out);
    const std::size_t before_wake = out.size(); // the poll start; the yield is held
    rec.on_wake(7, 7);
    rec.on_poll_end(7, PollResult::Pending, site, nullptr);
    rec.on_poll_start(8);
    rec.on_yield(8);
    rec.on_wake(9, 8); // another task's wake: the yield is written alone first
    rec.on_poll_end(8, PollResult::Pending, site, nullptr);
    rec.on_poll_start(10);
    rec.on_yield(10); // no wake at all before the poll ends
    rec.on_poll_end(10, PollResult::Pending, site, nullptr);
    rec.drain(cursor, out);
    QCOMPARE(before_wake, std::size_t(1));
    const std::vector<std::tuple<EventKind, std::uint32_t, std::uint32_t>> want{
        {EventKind::PollStart, 7, 0}, {EventKind::Yield, 7, 0},     {EventKind::Wake, 7, 7},
        {EventKind::PollEnd, 7, 0},   {EventKind::PollStart, 8, 0}, {EventKind::Yield, 8, 0},
        {EventKind::Wake, 9, 8},      {EventKind::PollEnd, 8, 0},   {EventKind::PollStart, 10, 0},
        {EventKind::Yield, 10, 0},    {EventKind::PollEnd, 10, 0}};
    QCOMPARE(out.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        QCOMPARE(out[i].kind, std::get<0>(want[i]));
        QCOMPARE(out[i].task, std::get<1>(want[i]));
        if (out[i].kind != EventKind::PollEnd)
            QCOMPARE(out[i].arg, std::get<2>(want[i]));
        if (out[i].kind == EventKind::Yield || out[i].kind == EventKind::Wake)
            QCOMPARE(int(out[i].flag), int(WakeSource::Direct));
    }
    // The merged yield's wake has its stamp; the events count both.
    QCOMPARE(out[2].ts, out[1].ts);
    QCOMPARE(rec.recorded(), std::uint64_t(want.size()));
    QCOMPARE(rec.recorded_bytes(), std::uint64_t((want.size() - 1) * TraceRecorder::kRecordBytes));
    const Trace whole = rec.snapshot();
    QCOMPARE(whole.events.size(), want.size());
}

void TestRecorder::costPerEvent() {
    // Printed, not asserted (shared machine). CPU time of this thread.
    auto cpu_ns = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return ts.tv_sec * 1'000'000'000.0 + double(ts.tv_nsec);
    };
    TraceRecorder rec;
    const auto site = std::source_location::current();
    constexpr int n = 1'000'000;
    const double t0 = cpu_ns();
    for (int i = 0; i < n; ++i) {
        rec.on_poll_start(TaskId(i));
        rec.on_poll_end(TaskId(i), PollResult::Pending, site, nullptr);
    }
    const double per = (cpu_ns() - t0) / (2.0 * n);
    qInfo("recorder: %.1f ns per event (poll start/end pairs, steady clock, %zu bytes/event)", per,
          TraceRecorder::kRecordBytes);
    QCOMPARE(rec.recorded(), std::uint64_t(2 * n));
}

void TestRecorder::largeArgsAndLongSilences() {
    // Stamps 2^32 and more apart need a full-time record; arg2 above 16 bits
    // an extension record: neither is delivered, both are exact, and drops
    // count events, not records.
    std::int64_t now = 0;
    TraceRecorder rec({0, [&] { return now; }, false});
    int chan = 0;
    const auto addr = std::uint64_t(reinterpret_cast<std::uintptr_t>(&chan));
    std::vector<std::int64_t> times;
    for (std::uint32_t i = 0; i < 10'000; ++i) {
        now += (i % 3 == 0) ? (std::int64_t(1) << 33) + i : i; // some long silences
        times.push_back(now);
        if (i % 2 == 0)
            rec.on_channel_send(ChannelKind::Broadcast, &chan);
        else
            rec.on_worker_start(int(i), "w"); // arg = i, arg2 = name id
    }
    const Trace t = rec.snapshot();
    QCOMPARE(t.events.size(), times.size());
    QCOMPARE(rec.recorded(), std::uint64_t(times.size()));
    for (std::size_t i = 0; i < times.size(); ++i) {
        QCOMPARE(t.events[i].ts, times[i]);
        if (i % 2 == 0) {
            QCOMPARE(t.events[i].kind, EventKind::ChannelSend);
            QCOMPARE((std::uint64_t(t.events[i].arg2) << 32) | t.events[i].arg, addr);
        } else {
            QCOMPARE(t.events[i].kind, EventKind::WorkerStart);
            QCOMPARE(t.events[i].arg, std::uint32_t(i));
        }
    }
    // String ids above 0xffff in arg2 (a worker's thread name) survive too.
    TraceRecorder big;
    for (int i = 0; i < 70'000; ++i)
        big.intern_string("s" + std::to_string(i));
    big.on_worker_start(3, "s69999");
    const Trace b = big.snapshot();
    QCOMPARE(b.events.size(), std::size_t(1));
    QVERIFY(b.events[0].arg2 > 0xffff);
    QCOMPARE(b.string(b.events[0].arg2), std::string_view("s69999"));
    QCOMPARE(b.events[0].arg, 3u);
}

void TestRecorder::virtualTimeRecordsAndDrainMatchSnapshot() {
    // Writers on a virtual clock that a driver advances while they write; an
    // incremental reader must deliver the same events and times as a final
    // snapshot, each batch sorted, times never before the clock's value when
    // the writer started.
    auto clock = Clock::make_virtual();
    struct Src : TimerSource { // a deadline every 1000 ns, 200,000 of them
        std::atomic<std::int64_t> next{1000};
        std::optional<Instant> next_deadline() override {
            const auto n = next.load();
            return n <= 200'000'000 ? std::optional<Instant>(Instant(n)) : std::nullopt;
        }
        void fire_until(Instant now) override { next.store(now.count() + 1000); }
    } src;
    clock->add_source(&src);
    TraceRecorder rec({0, TraceRecorder::clock_time(clock), true});
    std::atomic<bool> stop{false};
    std::thread driver([&] {
        while (!stop.load())
            clock->advance();
    });
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w)
        writers.emplace_back([&, w] {
            for (std::uint32_t i = 0; i < kPerWriter; ++i) {
                // Half the events after the clock has moved, however the
                // threads happen to be scheduled.
                if (i == kPerWriter / 2)
                    while (clock->now().count() == 0)
                        std::this_thread::yield();
                rec.on_poll_start(std::uint32_t(w) * 1'000'000 + i);
            }
        });
    std::vector<Event> drained;
    ReadCursor cursor;
    for (int i = 0; i < 50; ++i) {
        std::vector<Event> batch;
        rec.drain(cursor, batch);
        QVERIFY(std::is_sorted(batch.begin(), batch.end(),
                               [](const Event& a, const Event& b) { return a.ts < b.ts; }));
        drained.insert(drained.end(), batch.begin(), batch.end());
        std::this_thread::yield();
    }
    for (auto& t : writers)
        t.join();
    stop = true;
    driver.join();
    clock->remove_source(&src);
    rec.drain(cursor, drained);
    check_exactly_once(drained, 0, false);
    const Trace snap = rec.snapshot();
    QCOMPARE(snap.events.size(), drained.size());
    QVERIFY(std::is_sorted(snap.events.begin(), snap.events.end(),
                           [](const Event& a, const Event& b) { return a.ts < b.ts; }));
    auto by_task = [](const Event& a, const Event& b) { return a.task < b.task; };
    std::vector<Event> a = drained, b = snap.events;
    std::stable_sort(a.begin(), a.end(), by_task);
    std::stable_sort(b.begin(), b.end(), by_task);
    // Same events; each event's virtual time the same whichever way it was read.
    QVERIFY(a == b);
    QVERIFY(snap.events.back().ts > 0); // the clock did move
    QVERIFY(snap.events.back().ts <= clock->now().count());
}

void TestRecorder::realStampsInNanoseconds() {
    // Default time source: CPU ticks converted to steady nanoseconds since the
    // recorder started; sleeps between events show as their real length.
    TraceRecorder rec;
    const auto start = std::chrono::steady_clock::now();
    rec.on_poll_start(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    rec.on_poll_end(1, PollResult::Ready, {}, nullptr);
    std::vector<Event> first;
    ReadCursor cursor;
    rec.drain(cursor, first); // an anchor between the two sleeps
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    rec.on_mark(1, "late");
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
    const Trace t = rec.snapshot();
    QCOMPARE(t.events.size(), std::size_t(3));
    QVERIFY(t.events[0].ts >= 0 && t.events[0].ts < 10'000'000);
    const auto poll = t.events[1].ts - t.events[0].ts;
    QVERIFY2(poll >= 29'000'000 && poll < 200'000'000, qPrintable(QString::number(poll)));
    const auto gap = t.events[2].ts - t.events[1].ts;
    QVERIFY2(gap >= 19'000'000 && gap < 200'000'000, qPrintable(QString::number(gap)));
    QVERIFY(t.events[2].ts <= elapsed + 1'000'000);
    // The drain and the snapshot agree on the times of the first two events.
    QCOMPARE(first.size(), std::size_t(2));
    QCOMPARE(first[0].ts, t.events[0].ts);
    QCOMPARE(first[1].ts, t.events[1].ts);
}

QTEST_GUILESS_MAIN(TestRecorder)
#include "test_recorder.moc"
