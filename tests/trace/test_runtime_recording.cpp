// The recorder plugged into the real Runtime: a task that yields three times
// shows as four polls, three self-wakes, its spawn site and await site. On a
// virtual clock, events of several threads share one timestamp: a wake from
// the timer thread must still come before the poll it caused, so the derived
// idle time is exact.

#include "chrome_json.h"
#include "json_import.h"
#include "recorder.h"
#include "runtime.h"
#include "stats.h"
#include "time_driver.h"
#include "timer_future.h"
#include "waker.h"
#include "yield_now.h"

#include <QtTest>

#include <chrono>
#include <thread>

using namespace pollscope;
using namespace pollscope::trace;

namespace {
Task<int> yielder() {
    for (int i = 0; i < 3; ++i)
        co_await yield_now();
    co_return 7;
}

Task<int> three_timers(std::shared_ptr<Clock> clock) {
    for (int i = 0; i < 3; ++i)
        co_await TimerFuture(std::chrono::milliseconds(40), clock);
    co_return 3;
}

/// Pending once; a plain std::thread wakes it (after a real-time pause).
struct ThreadWoken {
    bool started = false;
    std::thread waker;
    Poll<void> poll(Context& cx) {
        if (started)
            return Ready();
        started = true;
        waker = std::thread([w = cx.waker()] {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            w.wake_by_ref();
        });
        return Pending;
    }
    ~ThreadWoken() {
        if (waker.joinable())
            waker.join();
    }
};

Task<int> woken_by_thread() {
    for (int i = 0; i < 5; ++i)
        co_await ThreadWoken{};
    co_return 5;
}

/// Yields `n` times, sleeps (its worker parks), yields `n` times more.
Task<int> yield_sleep_yield(int n) {
    for (int i = 0; i < n; ++i)
        co_await yield_now();
    co_await sleep(std::chrono::milliseconds(5));
    for (int i = 0; i < n; ++i)
        co_await yield_now();
    co_return n;
}

const TaskStats* find_task(const TraceStats& s, std::string_view name) {
    for (auto& task : s.tasks)
        if (task.name == name)
            return &task;
    return nullptr;
}

/// Every poll of `task` but the first follows a wake of it recorded after the
/// previous poll started (a wake may come while that poll still runs).
void check_wake_before_poll(const Trace& t, std::uint32_t task) {
    bool first = true, woken = false;
    for (const Event& e : t.events) {
        if (e.task != task)
            continue;
        if (e.kind == EventKind::PollStart) {
            QVERIFY2(first || woken, "a poll sorted before the wake that caused it");
            first = woken = false;
        } else if (e.kind == EventKind::Wake) {
            woken = true;
        }
    }
}
} // namespace

class TestRuntimeRecording : public QObject {
    Q_OBJECT
private slots:
    void yieldingTask();
    void virtualClockTimersInARow();
    void virtualClockWakeFromPlainThread();
    void realClockTimersInARow();
    void backToBackPollsShareOneClockReading();
};

void TestRuntimeRecording::yieldingTask() {
    auto clock = Clock::make_virtual();
    TraceRecorder rec({0, TraceRecorder::clock_time(clock), true});
    int line = 0;
    {
        RuntimeOptions o;
        o.workers = 2;
        o.hooks = &rec;
        o.clock = clock;
        Runtime rt(o);
        line = __LINE__ + 1;
        QCOMPARE(rt.block_on(yielder(), "yielder"), 7);
    }
    const Trace t = rec.snapshot();
    const TraceStats s = compute_stats(t);
    const TaskStats* y = nullptr;
    for (auto& task : s.tasks)
        if (task.name == "yielder")
            y = &task;
    QVERIFY(y);
    QCOMPARE(y->state, TaskState::Done);
    QCOMPARE(y->polls, 4u);
    QCOMPARE(y->pending_polls, 3u);
    QCOMPARE(y->self_wakes, 3u);
    QCOMPARE(y->yields, 3u);
    QCOMPARE(t.locations[y->spawn_location].line, std::uint32_t(line));
    QVERIFY(y->last_await_site != 0);
    QVERIFY(t.string(t.locations[y->last_await_site].file).find("test_runtime_recording") !=
            std::string_view::npos);
    int workers = 0;
    for (auto& th : t.threads)
        workers += th.worker >= 0;
    QCOMPARE(workers, 2);
}

void TestRuntimeRecording::virtualClockTimersInARow() {
    for (int round = 0; round < 20; ++round) {
        auto clock = Clock::make_virtual();
        TraceRecorder rec({0, TraceRecorder::clock_time(clock), true});
        {
            RuntimeOptions o;
            o.workers = 2;
            o.hooks = &rec;
            o.clock = clock;
            Runtime rt(o);
            QCOMPARE(rt.block_on(three_timers(clock), "timers"), 3);
        }
        const Trace t = rec.snapshot();
        QVERIFY(std::is_sorted(t.events.begin(), t.events.end(),
                               [](const Event& a, const Event& b) { return a.ts < b.ts; }));
        const TraceStats s = compute_stats(t);
        const TaskStats* task = find_task(s, "timers");
        QVERIFY(task);
        check_wake_before_poll(t, std::uint32_t(task->id));
        QCOMPARE(task->state, TaskState::Done);
        QCOMPARE(task->polls, 4u);
        QCOMPARE(task->wakes, 3u);
        QCOMPARE(task->idle_ns, std::int64_t(120'000'000));
        QCOMPARE(task->busy_ns, std::int64_t(0));
        QCOMPARE(task->scheduled_ns, std::int64_t(0));
        QCOMPARE(task->total_ns, std::int64_t(120'000'000));
        // The export re-opens to the same trace and the same statistics.
        ImportError err;
        const auto back = import_trace_json(to_chrome_json(t), &err);
        QVERIFY2(back, err.to_string().c_str());
        QVERIFY(*back == t);
        QVERIFY(compute_stats(*back) == s);
    }
}

void TestRuntimeRecording::virtualClockWakeFromPlainThread() {
    for (int round = 0; round < 5; ++round) {
        auto clock = Clock::make_virtual();
        TraceRecorder rec({0, TraceRecorder::clock_time(clock), true});
        {
            RuntimeOptions o;
            o.workers = 2;
            o.hooks = &rec;
            o.clock = clock;
            Runtime rt(o);
            QCOMPARE(rt.block_on(woken_by_thread(), "woken"), 5);
        }
        const Trace t = rec.snapshot();
        const TraceStats s = compute_stats(t);
        const TaskStats* task = find_task(s, "woken");
        QVERIFY(task);
        check_wake_before_poll(t, std::uint32_t(task->id));
        QCOMPARE(task->polls, 6u);
        QCOMPARE(task->wakes, 5u);
        QCOMPARE(task->total_ns, std::int64_t(0)); // virtual time never moved
    }
}

void TestRuntimeRecording::realClockTimersInARow() {
    auto clock = Clock::make_real();
    TraceRecorder rec({0, TraceRecorder::clock_time(clock), false});
    {
        RuntimeOptions o;
        o.workers = 2;
        o.hooks = &rec;
        o.clock = clock;
        Runtime rt(o);
        QCOMPARE(rt.block_on(three_timers(clock), "timers"), 3);
    }
    const Trace t = rec.snapshot();
    QVERIFY(std::is_sorted(t.events.begin(), t.events.end(),
                           [](const Event& a, const Event& b) { return a.ts < b.ts; }));
    const TraceStats s = compute_stats(t);
    const TaskStats* task = find_task(s, "timers");
    QVERIFY(task);
    check_wake_before_poll(t, std::uint32_t(task->id));
    QCOMPARE(task->polls, 4u);
    // Three 40 ms timers (each started just before the poll that waits for
    // it): idle nearly 120 ms, the whole task well under 10 s.
    QVERIFY2(task->idle_ns >= 100'000'000, qPrintable(QString::number(task->idle_ns)));
    QVERIFY(task->total_ns >= task->idle_ns && task->total_ns < 10'000'000'000);
    ImportError err;
    const auto back = import_trace_json(to_chrome_json(t), &err);
    QVERIFY2(back, err.to_string().c_str());
    QVERIFY(*back == t);
    QVERIFY(compute_stats(*back) == s);
}

// One clock read per poll: a worker that polls again right after a poll
// stamps the PollStart with its previous record's time (that poll's end);
// after it parked (the sleep), the PollStart reads the clock again.
void TestRuntimeRecording::backToBackPollsShareOneClockReading() {
    TraceRecorder rec; // the real clock (ticks)
    {
        RuntimeOptions o;
        o.workers = 1;
        o.hooks = &rec;
        Runtime rt(o);
        QCOMPARE(rt.block_on(yield_sleep_yield(50), "yielder"), 50);
    }
    const Trace t = rec.snapshot();
    std::uint32_t task = 0;
    for (const Event& e : t.events)
        if (e.kind == EventKind::TaskName && t.string(e.arg) == "yielder")
            task = e.task;
    QVERIFY(task != 0);
    // Each PollStart of the task against the event before it on its thread.
    std::vector<const Event*> last(t.threads.size(), nullptr);
    int polls = 0, shared = 0, after_gap = 0;
    for (const Event& e : t.events) {
        if (e.kind == EventKind::Enqueue)
            continue; // stamped as the record before it: no reading of its own
        const Event* before = std::exchange(last[e.thread], &e);
        if (e.kind != EventKind::PollStart || e.task != task)
            continue;
        ++polls;
        if (before && before->kind == EventKind::PollEnd && e.ts == before->ts)
            ++shared;
        else if (!before || before->kind != EventKind::PollEnd || e.ts - before->ts >= 1'000'000)
            ++after_gap; // a reading of its own: the first poll, the one after the sleep
    }
    // 51 polls end at a yield or the sleep, 51 after them (the last Ready).
    QCOMPARE(polls, 2 * 50 + 2);
    // Every poll right after a yield follows its previous poll back to back.
    QCOMPARE(shared, 2 * 50);
    // The first poll and the one after the sleep read the clock.
    QCOMPARE(after_gap, 2);
}

QTEST_GUILESS_MAIN(TestRuntimeRecording)
#include "test_runtime_recording.moc"
