// What each example records, on the virtual clock: the sequence of polls,
// wakes, marks, cancels and the shutdown, and per-task statistics compared
// with values worked out by hand.
#include "clock.h"
#include "example_registry.h"
#include "recorder.h"
#include "stats.h"

#include <QtTest>

#include <algorithm>
#include <set>

using namespace pollscope;
using namespace pollscope::trace;
using pollscope::examples::find_example;
using pollscope::examples::KnobValues;
using pollscope::examples::RunSetup;

namespace {

constexpr std::int64_t kMs = 1'000'000;

struct Recorded {
    Trace trace;
    TraceStats stats;
    std::string result;
};

/// A trace orders events of equal timestamps by thread only, so on the
/// virtual clock a spawn (on the calling thread) or a wake from another
/// thread (the timer thread) can sort after the poll it caused at the same
/// instant. Restore the causal order: among equal timestamps, spawns and
/// task names first, then wakes.
void causal_sort(std::vector<Event>& events) {
    auto rank = [](const Event& e) {
        switch (e.kind) {
        case EventKind::Spawn:
        case EventKind::TaskName:
            return 0;
        case EventKind::Wake:
            return 1;
        default:
            return 2;
        }
    };
    std::stable_sort(events.begin(), events.end(), [&](const Event& a, const Event& b) {
        return a.ts != b.ts ? a.ts < b.ts : rank(a) < rank(b);
    });
}

Recorded record(const char* id, KnobValues knobs = {}) {
    auto clock = Clock::make_virtual();
    TraceRecorder rec({0, TraceRecorder::clock_time(clock), true});
    RunSetup s;
    s.hooks = &rec;
    s.clock = clock;
    s.knobs = std::move(knobs);
    Recorded r;
    r.result = find_example(QString::fromLatin1(id))->run(s);
    r.trace = rec.snapshot();
    causal_sort(r.trace.events);
    r.stats = compute_stats(r.trace);
    return r;
}

std::vector<const TaskStats*> tasks_named(const Recorded& r, std::string_view name) {
    std::vector<const TaskStats*> out;
    for (const auto& t : r.stats.tasks)
        if (t.name == name)
            out.push_back(&t);
    return out;
}

const TaskStats& task_named(const Recorded& r, std::string_view name) {
    auto v = tasks_named(r, name);
    if (v.size() != 1)
        throw std::runtime_error("expected one task named " + std::string(name));
    return *v.front();
}

bool on_worker(const Trace& t, const Event& e) {
    return e.thread < t.threads.size() && t.threads[e.thread].worker >= 0;
}

/// The task's story: "spawn", "poll", "mark:<text>", "pending@<file>:<line>",
/// "ready", "wake<-<waker>" (waker 0 from a thread that is no worker: "wake<-thread"),
/// "cancel", "shutdown".
QStringList story(const Recorded& r, std::uint32_t task) {
    const Trace& t = r.trace;
    QStringList out;
    for (const auto& e : t.events) {
        if (e.task != task)
            continue;
        switch (e.kind) {
        case EventKind::Spawn:
            out << "spawn";
            break;
        case EventKind::PollStart:
            out << "poll";
            break;
        case EventKind::PollEnd:
            if (e.outcome() == Outcome::Pending) {
                const auto& loc = t.locations[e.arg];
                out << QStringLiteral("pending@%1:%2")
                           .arg(QFileInfo(QString::fromStdString(std::string(t.string(loc.file))))
                                    .fileName())
                           .arg(loc.line);
            } else {
                out << (e.outcome() == Outcome::Ready ? "ready" : "failed");
            }
            break;
        case EventKind::Wake:
            if (e.arg == 0 && !on_worker(t, e))
                out << "wake<-thread";
            else
                out << QStringLiteral("wake<-%1").arg(e.arg);
            break;
        case EventKind::Mark:
            out << "mark:" + QString::fromStdString(std::string(t.string(e.arg)));
            break;
        case EventKind::Cancel:
            out << "cancel";
            break;
        case EventKind::Shutdown:
            out << "shutdown";
            break;
        default:
            break;
        }
    }
    return out;
}

/// Line (1-based) of the first line of `example`'s code containing `text`.
int line_of(const char* example, const char* text) {
    const auto* e = find_example(QString::fromLatin1(example));
    const QStringList lines = e->code.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i)
        if (lines[i].contains(QLatin1String(text)))
            return i + e->code_first_line;
    return -1;
}

} // namespace

class TestSequences : public QObject {
    Q_OBJECT
private slots:
    // Pending at the co_await, woken by the timer thread, Ready.
    void timerFuture() {
        auto r = record("timer-future");
        const auto& task = task_named(r, "run_timer_future");
        const int line = line_of("timer-future", "co_await timer_future;");
        QVERIFY(line > 0);
        QCOMPARE(story(r, task.id),
                 (QStringList{"spawn", "poll", "mark:TimerFuture is not completed",
                              QStringLiteral("pending@example_timer_future.cpp:%1").arg(line),
                              "wake<-thread", "poll", "mark:TimerFuture is completed", "ready"}));
        // by hand: two polls, one wake, 10 ms idle, no time busy or scheduled
        QCOMPARE(task.polls, 2u);
        QCOMPARE(task.pending_polls, 1u);
        QCOMPARE(task.wakes, 1u);
        QCOMPARE(task.self_wakes, 0u);
        QCOMPARE(task.busy_ns, 0);
        QCOMPARE(task.idle_ns, 10 * kMs);
        QCOMPARE(task.scheduled_ns, 0);
        QCOMPARE(task.state, TaskState::Done);
        QVERIFY(r.stats.warnings.empty());
    }

    void timerFutureThreeTimers() {
        auto r = record("timer-future", {{"timers", 3}, {"duration", 40}});
        const auto& task = task_named(r, "run_timer_future");
        QCOMPARE(task.polls, 4u);
        QCOMPARE(task.wakes, 3u);
        QCOMPARE(task.idle_ns, 120 * kMs);
        QCOMPARE(task.total_ns, 120 * kMs);
        QCOMPARE(r.result, std::string("3 timers of 40 ms completed after 120 ms"));
    }

    // The same through the ChannelExecutor: every poll on the calling thread.
    void executor() {
        auto r = record("executor", {{"tasks", 2}});
        const int line = line_of("executor", "co_await TimerFuture(duration, clock);");
        for (const char* name : {"task 1", "task 2"}) {
            const auto& task = task_named(r, name);
            QCOMPARE(story(r, task.id),
                     (QStringList{"spawn", "poll", "mark:hello, start timer!",
                                  QStringLiteral("pending@example_executor.cpp:%1").arg(line),
                                  "wake<-thread", "poll", "mark:bye, timer finished!", "ready"}));
            QCOMPARE(task.polls, 2u);
            QCOMPARE(task.wakes, 1u);
            QCOMPARE(task.idle_ns, 10 * kMs);
            QCOMPARE(task.threads.size(), std::size_t(1));
        }
        QCOMPARE(task_named(r, "task 1").threads, task_named(r, "task 2").threads);
        for (const auto& e : r.trace.events)
            if (e.kind == EventKind::PollStart)
                QVERIFY(!on_worker(r.trace, e)); // the executor is this thread
    }

    void localSet() {
        auto r = record("local-set", {{"middle", 30}, {"end", 70}});
        const auto& b1 = task_named(r, "async_block_1");
        const auto& b3 = task_named(r, "async_block_3");
        QCOMPARE(story(r, b1.id), (QStringList{"spawn", "poll", "mark:start !SEND DATA", "ready"}));
        QCOMPARE(r.result, std::string("start !SEND DATA, middle !SEND DATA, end !SEND DATA "
                                       "(Rc count 1)"));
        QCOMPARE(b3.polls, 2u);
        QCOMPARE(b3.wakes, 1u);
        QCOMPARE(b3.idle_ns, 70 * kMs);
        QCOMPARE(b3.spawned_at, 30 * kMs);
        const auto& main = task_named(r, "run_local_set_and_spawn_local");
        // "middle" is a future the set runs inside the main task's poll
        QVERIFY(story(r, main.id).contains("mark:middle !SEND DATA"));
        QCOMPARE(main.total_ns, 100 * kMs);
        // every poll on the one worker
        std::set<std::uint16_t> threads;
        for (const auto& e : r.trace.events)
            if (e.kind == EventKind::PollStart)
                threads.insert(e.thread);
        QCOMPARE(threads.size(), std::size_t(1));
    }

    // One task; three wakes; 300 ms idle in total.
    void join() {
        auto r = record("join");
        const auto& main = task_named(r, "test_join");
        QCOMPARE(r.stats.tasks.size(), std::size_t(1));
        QStringList s = story(r, main.id);
        s.removeIf([](const QString& x) { return x.startsWith("pending@"); });
        QCOMPARE(s, (QStringList{"spawn", "poll", "wake<-0", "poll", "mark:task_1", "wake<-0",
                                 "poll", "mark:task_2", "wake<-0", "poll", "mark:task_3",
                                 "mark:all tasks done", "ready"}));
        QCOMPARE(main.polls, 4u);
        QCOMPARE(main.pending_polls, 3u);
        QCOMPARE(main.wakes, 3u);
        QCOMPARE(main.busy_ns, 0);
        QCOMPARE(main.idle_ns, 300 * kMs);
        QCOMPARE(main.scheduled_ns, 0);
        QCOMPARE(main.total_ns, 300 * kMs);
    }

    // As in the seed: three futures raced inside one task. task_1 wins; the
    // losers' frames are destroyed inside select, before it returns.
    void select() {
        auto r = record("select");
        QCOMPARE(tasks_named(r, "task_2").size(), std::size_t(0)); // no tasks of their own
        const auto& main = task_named(r, "test_select");
        const QStringList s = story(r, main.id);
        const auto destroyed_2 = s.indexOf("mark:task_2 destroyed");
        const auto destroyed_3 = s.indexOf("mark:task_3 destroyed");
        const auto done = s.indexOf("mark:task_1 done");
        QVERIFY2(destroyed_2 > 0 && destroyed_3 > 0 && done > 0, qPrintable(s.join(' ')));
        // destroyed before select returned: before the first line after it,
        // and in the same poll as task_1's win (no poll in between)
        QVERIFY(destroyed_2 < done && destroyed_3 < done);
        QVERIFY(s.indexOf("mark:task_1") < destroyed_2);
        QCOMPARE(s.mid(s.indexOf("mark:task_1"), done - s.indexOf("mark:task_1")).count("poll"), 0);
        QVERIFY(!s.contains("mark:task_2"));
        QCOMPARE(main.total_ns, 100 * kMs);
        QCOMPARE(r.result, std::string("task_1, task_1 done, one task done; 2 losers destroyed "
                                       "before select returned (after 100 ms)"));
        int cancels = 0;
        for (const auto& e : r.trace.events)
            cancels += e.kind == EventKind::Cancel;
        QCOMPARE(cancels, 0); // futures inside a task are dropped, not tasks cancelled
    }

    // The spawned variant: task_1 wins; task_2 and task_3 are aborted.
    void selectSpawned() {
        auto r = record("select", {{"spawned", 1}});
        int cancels = 0;
        for (const auto& e : r.trace.events)
            cancels += e.kind == EventKind::Cancel;
        QCOMPARE(cancels, 2);
        QCOMPARE(task_named(r, "task_1").state, TaskState::Done);
        QCOMPARE(task_named(r, "task_2").state, TaskState::Cancelled);
        QCOMPARE(task_named(r, "task_3").state, TaskState::Cancelled);
        QCOMPARE(task_named(r, "task_2").ended_at, 100 * kMs);
        QVERIFY(story(r, task_named(r, "task_2").id).endsWith("cancel"));
        const QStringList main = story(r, task_named(r, "test_select_spawned").id);
        QVERIFY(main.contains("mark:task_1 done"));
        QVERIFY(main.contains("mark:task_2 cancelled"));
        QVERIFY(main.contains("mark:task_3 cancelled"));
        QVERIFY(!main.contains("mark:task_2"));
    }

    void spawn() {
        auto r = record("spawn");
        for (const char* name : {"task_1", "task_2", "task_3"}) {
            const auto& t = task_named(r, name);
            QCOMPARE(t.polls, 2u);
            QCOMPARE(t.wakes, 1u);
            QCOMPARE(t.idle_ns, 100 * kMs);
            QCOMPARE(t.parent, task_named(r, "test_spawn").id);
        }
        int workers = 0;
        for (const auto& th : r.trace.threads)
            workers += th.worker >= 0;
        QCOMPARE(workers, 5);
    }

    // Each task computes 100 ms before its sleep. On 5 workers three workers
    // compute at the same time (their polls overlap on the virtual clock,
    // where CPU work occupies a worker for modelled time); on 1 worker they
    // take turns.
    void spawnComputesInParallel() {
        struct Case {
            KnobValues knobs;
            const char* took;
            bool parallel;
        };
        const std::vector<Case> cases = {
            {{}, "(after 200 ms)", true}, // 100 cpu + 100 sleep
            {{{"workers", 1}}, "(after 400 ms)", false},
            {{{"task_1", 0}, {"task_2", 0}, {"task_3", 0}}, "(after 100 ms)", true},
            {{{"task_1", 0}, {"task_2", 0}, {"task_3", 0}, {"workers", 1}},
             "(after 300 ms)",
             false},
        };
        for (const auto& c : cases) {
            auto r = record("spawn", c.knobs);
            QVERIFY2(r.result.find(c.took) != std::string::npos, r.result.c_str());
            // each task's first poll is its computation
            std::vector<std::pair<std::int64_t, std::int64_t>> computing;
            std::set<std::uint16_t> threads;
            for (const char* name : {"task_1", "task_2", "task_3"}) {
                const auto id = task_named(r, name).id;
                std::int64_t start = -1;
                for (const auto& e : r.trace.events) {
                    if (e.task != id)
                        continue;
                    if (e.kind == EventKind::PollStart && start < 0) {
                        start = e.ts;
                        threads.insert(e.thread);
                    } else if (e.kind == EventKind::PollEnd && start >= 0) {
                        computing.push_back({start, e.ts});
                        break;
                    }
                }
                QCOMPARE(task_named(r, name).busy_ns, 100 * kMs);
            }
            QCOMPARE(computing.size(), std::size_t(3));
            std::int64_t latest_start = 0, earliest_end = INT64_MAX;
            for (auto [s, e] : computing) {
                QCOMPARE(e - s, 100 * kMs);
                latest_start = std::max(latest_start, s);
                earliest_end = std::min(earliest_end, e);
            }
            if (c.parallel) {
                QCOMPARE(threads.size(), std::size_t(3)); // three workers polled
                QVERIFY(latest_start < earliest_end);     // at the same time
            } else {
                QCOMPARE(threads.size(), std::size_t(1));
                QVERIFY(latest_start >= earliest_end); // one after another
            }
        }
    }

    void stream() {
        auto r = record("stream");
        const auto& t = task_named(r, "test_stream");
        QCOMPARE(story(r, t.id), (QStringList{"spawn", "poll", "mark:got a", "mark:got b",
                                              "mark:got c", "mark:got d", "ready"}));
        auto slow = record("stream", {{"delay", 25}});
        const auto& s = task_named(slow, "test_stream");
        QCOMPARE(s.polls, 5u);
        QCOMPARE(s.wakes, 4u);
        QCOMPARE(s.idle_ns, 100 * kMs);
        // the innermost co_await that was Pending: the producer's sleep
        const int line = line_of("stream", "co_await sleep(delay);");
        const auto& loc = slow.trace.locations[s.last_await_site];
        QCOMPARE(int(loc.line), line);
    }

    // Ten receive marks, then the shutdown, then the loop sees it and ends.
    void eventLoop() {
        auto r = record("event-loop");
        const auto& loop = task_named(r, "main_loop");
        const auto& main = task_named(r, "test_main_loop");
        QCOMPARE(tasks_named(r, "sender 0").size(), std::size_t(1));
        const QStringList s = story(r, loop.id);
        QStringList received;
        for (const auto& x : s)
            if (x.endsWith(" received"))
                received << x;
        QCOMPARE(received.size(), 10);
        // every event once
        QStringList sorted = received;
        sorted.sort();
        sorted.removeDuplicates();
        QCOMPARE(sorted.size(), 10);
        // the shutdown comes after the tenth receive, from the main task
        std::int64_t last_receive = -1, shutdown = -1, got_signal = -1;
        std::size_t i = 0;
        for (const auto& e : r.trace.events) {
            ++i;
            if (e.kind == EventKind::Mark && e.task == loop.id) {
                const auto text = r.trace.string(e.arg);
                if (text.ends_with(" received"))
                    last_receive = std::int64_t(i);
                if (text == "task got shutdown signal")
                    got_signal = std::int64_t(i);
            }
            if (e.kind == EventKind::Shutdown) {
                QCOMPARE(e.task, main.id);
                shutdown = std::int64_t(i);
            }
        }
        QVERIFY(last_receive > 0 && shutdown > last_receive && got_signal > shutdown);
        QVERIFY(s.last() == "ready");
        QCOMPARE(r.result, std::string("10 events sent, 10 received; shutdown receivers left: 1"));
    }
};

QTEST_GUILESS_MAIN(TestSequences)
#include "test_sequences.moc"
