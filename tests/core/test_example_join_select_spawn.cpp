// The seed's Example 4 (join!, select!, spawn) on our Runtime, on the virtual
// clock so every duration is exact.
#include "join.h"
#include "runtime.h"
#include "select.h"

#include <QtTest>

#include <set>
#include <thread>

using namespace pollscope;
using namespace std::chrono_literals;

namespace {
struct Log {
    std::mutex m;
    std::vector<std::string> lines;
    std::vector<std::int64_t> at_ms;
    int destroyed = 0; // task frames destroyed before finishing
    void add(std::string s) {
        std::lock_guard lk(m);
        lines.push_back(std::move(s));
        at_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(now()).count());
    }
};

/// Counts a coroutine frame destroyed before its body ended (i.e. cancelled).
struct CancelProbe {
    Log* log;
    bool finished = false;
    ~CancelProbe() {
        if (!finished) {
            std::lock_guard lk(log->m);
            ++log->destroyed;
        }
    }
};

// task_1/2/3 of the seed: sleep, then print their name.
Task<void> task_n(Log* log, std::string name, std::chrono::milliseconds time) {
    CancelProbe probe{log};
    co_await sleep(time);
    log->add(name);
    probe.finished = true;
}

} // namespace

class TestExampleJoinSelectSpawn : public QObject {
    Q_OBJECT
private slots:
    void join_waits_for_all_three() {
        Runtime rt({.workers = 2, .clock = Clock::make_virtual()});
        Log log;
        auto total = rt.block_on([](Log* log) -> Task<std::int64_t> {
            auto t0 = now();
            co_await join(task_n(log, "task_1", 100ms), task_n(log, "task_2", 200ms),
                          task_n(log, "task_3", 300ms));
            log->add("all tasks done");
            co_return std::chrono::duration_cast<std::chrono::milliseconds>(now() - t0).count();
        }(&log));
        QCOMPARE(log.lines,
                 (std::vector<std::string>{"task_1", "task_2", "task_3", "all tasks done"}));
        QCOMPARE(log.at_ms, (std::vector<std::int64_t>{100, 200, 300, 300}));
        QCOMPARE(total, std::int64_t(300)); // concurrent: the longest, not the sum
        QCOMPARE(log.destroyed, 0);
    }

    void select_returns_task_1_and_cancels_the_others() {
        Runtime rt({.workers = 2, .clock = Clock::make_virtual()});
        Log log;
        auto winner = rt.block_on([](Log* log) -> Task<std::size_t> {
            auto r = co_await select(task_n(log, "task_1", 100ms), task_n(log, "task_2", 200ms),
                                     task_n(log, "task_3", 300ms));
            // the losers are already destroyed when select returns
            std::lock_guard lk(log->m);
            log->lines.push_back("destroyed " + std::to_string(log->destroyed));
            co_return r.index;
        }(&log));
        QCOMPARE(winner, std::size_t(0));
        QCOMPARE(log.lines, (std::vector<std::string>{"task_1", "destroyed 2"}));
        QCOMPARE(log.at_ms.front(), std::int64_t(100));
        QCOMPARE(log.destroyed, 2);
    }

    void spawn_runs_on_more_than_one_worker() {
        Runtime rt({.workers = 5});
        struct Seen {
            std::mutex m;
            std::set<int> workers;
            std::atomic<int> running{0};
        } seen;
        // As the seed: three spawned tasks awaited through their handles. Each
        // records its worker and holds it until another task is running
        // elsewhere at the same time, which only true parallelism allows.
        auto body = [](Seen* seen, Log* log, std::string name) -> Task<void> {
            {
                std::lock_guard lk(seen->m);
                seen->workers.insert(Runtime::current_worker());
            }
            seen->running.fetch_add(1);
            auto deadline = std::chrono::steady_clock::now() + 20s;
            while (seen->running.load() < 2 && std::chrono::steady_clock::now() < deadline)
                std::this_thread::yield();
            co_await sleep(100ms);
            log->add(name);
        };
        Log log;
        rt.block_on([](decltype(body) body, Seen* seen, Log* log) -> Task<void> {
            auto h1 = spawn(body(seen, log, "task_1"));
            auto h2 = spawn(body(seen, log, "task_2"));
            auto h3 = spawn(body(seen, log, "task_3"));
            co_await h1;
            co_await h2;
            co_await h3;
            log->add("all tasks done");
        }(body, &seen, &log));
        QCOMPARE(log.lines.size(), std::size_t(4));
        QCOMPARE(log.lines.back(), std::string("all tasks done"));
        QVERIFY2(seen.workers.size() >= 2, "all spawned tasks ran on one worker");
    }
};

QTEST_APPLESS_MAIN(TestExampleJoinSelectSpawn)
#include "test_example_join_select_spawn.moc"
