// LocalSet (the seed's Example 3): nothing runs before the set is driven;
// run_until and `co_await local_set`; start/middle/end in order on one thread
// sharing non-thread-safe data; wakes from other threads; cancellation.
#include "block_on.h"
#include "clock.h"
#include "gate.h"
#include "local_set.h"
#include "manual_poll.h"
#include "runtime.h"
#include "time_driver.h"
#include "yield_now.h"

#include <QtTest>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace pollscope;
using namespace std::chrono_literals;
using pollscope::test::DropFlag;
using pollscope::test::Gate;
using pollscope::test::poll_once;

namespace {

// Deliberately not thread-safe: local tasks share it without locks.
struct Log {
    std::vector<std::string> lines;
    std::vector<std::thread::id> threads;
    int counter = 0;
    void add(std::string s) {
        lines.push_back(std::move(s));
        threads.push_back(std::this_thread::get_id());
    }
};

const char* const kNonSendData = "!SEND DATA";

Task<void> block_1(std::shared_ptr<Log> log) {
    log->add(std::string("start ") + kNonSendData);
    co_return;
}
Task<void> block_2(std::shared_ptr<Log> log) {
    co_await sleep(100ms);
    log->add(std::string("middle ") + kNonSendData);
}
Task<void> block_3(std::shared_ptr<Log> log) {
    co_await sleep(100ms);
    log->add(std::string("end ") + kNonSendData);
}

// The seed's run_local_set_and_spawn_local.
Task<void> seed_example(std::shared_ptr<Log> log, std::shared_ptr<int> before_driven) {
    LocalSet local_set;
    auto join_handle_1 = local_set.spawn_local(block_1(log));
    *before_driven = static_cast<int>(log->lines.size()); // does not run anything
    co_await local_set.run_until(std::move(join_handle_1));
    co_await local_set.run_until(block_2(log));
    auto join_handle_3 = local_set.spawn_local(block_3(log));
    (void)join_handle_3;
    co_await local_set;
}

Task<void> count_up(std::shared_ptr<Log> log, int id) {
    for (int i = 0; i < 10; ++i) {
        if (i % 2)
            co_await sleep(std::chrono::milliseconds(1 + (id + i) % 5));
        else
            co_await yield_now();
        ++log->counter; // a plain int: a race here would be a lost update (and a TSan report)
        log->threads.push_back(std::this_thread::get_id());
    }
}

Task<void> many_local_tasks(std::shared_ptr<Log> log, int n) {
    LocalSet set;
    for (int i = 0; i < n; ++i)
        (void)set.spawn_local(count_up(log, i), "count_up");
    co_await set;
}

Task<int> local_answer(std::shared_ptr<Log> log) {
    log->add("answer");
    co_return 42;
}
Task<int> local_fails() {
    throw std::runtime_error("local boom");
    co_return 0;
}
Task<void> wait_gate(Gate gate, std::shared_ptr<Log> log) {
    co_await gate.wait();
    log->add("gate opened");
}
Task<void> wait_gate_flag(Gate gate, DropFlag flag) {
    (void)flag;
    co_await gate.wait();
}

struct CountingHooks : Hooks {
    std::atomic<int> spawns{0}, polls{0}, cancels{0};
    void on_spawn(const SpawnInfo&) override { ++spawns; }
    void on_poll_start(TaskId) override { ++polls; }
    void on_cancel(TaskId) override { ++cancels; }
};

} // namespace

class TestLocalSet : public QObject {
    Q_OBJECT
private slots:
    void runsNothingUntilDriven() {
        auto log = std::make_shared<Log>();
        LocalSet set;
        auto h = set.spawn_local(local_answer(log));
        QCOMPARE(set.ready_tasks(), std::size_t(1));
        QCOMPARE(set.live_tasks(), std::size_t(1));
        QVERIFY(log->lines.empty());
        QVERIFY(!h.is_finished());
        QCOMPARE(block_on_future(set.run_until(std::move(h))), 42);
        QCOMPARE(log->lines, std::vector<std::string>{"answer"});
        QCOMPARE(log->threads.front(), std::this_thread::get_id());
        QCOMPARE(set.live_tasks(), std::size_t(0));
    }

    void seedExampleOnRuntime() {
        auto clock = Clock::make_virtual();
        Runtime rt({.workers = 1, .clock = clock});
        auto log = std::make_shared<Log>();
        auto before = std::make_shared<int>(-1);
        rt.block_on(seed_example(log, before));
        QCOMPARE(*before, 0);
        QCOMPARE(log->lines, (std::vector<std::string>{"start !SEND DATA", "middle !SEND DATA",
                                                       "end !SEND DATA"}));
        QCOMPARE(log->threads.size(), std::size_t(3));
        QCOMPARE(log->threads[0], log->threads[1]);
        QCOMPARE(log->threads[1], log->threads[2]);
        QVERIFY(log->threads[0] != std::this_thread::get_id()); // the runtime's worker
        QCOMPARE(clock->now(), Instant(200ms));
    }

    void manyTasksShareUnsyncedCounterOneWorker() {
        auto clock = Clock::make_virtual();
        Runtime rt({.workers = 1, .clock = clock});
        auto log = std::make_shared<Log>();
        rt.block_on(many_local_tasks(log, 20));
        QCOMPARE(log->counter, 20 * 10);
        for (auto id : log->threads)
            QCOMPARE(id, log->threads.front());
    }

    void neverConcurrentOnTwoWorkers() {
        // The driving task may move between workers, but local tasks never
        // overlap: no lost updates, and TSan sees no race.
        auto clock = Clock::make_virtual();
        Runtime rt({.workers = 2, .clock = clock});
        auto log = std::make_shared<Log>();
        rt.block_on(many_local_tasks(log, 20));
        QCOMPARE(log->counter, 200);
        QCOMPARE(static_cast<int>(log->threads.size()), 200);
    }

    void wakeFromAnotherThread() {
        auto log = std::make_shared<Log>();
        LocalSet set;
        Gate gate;
        auto h = set.spawn_local(wait_gate(gate, log));
        std::thread opener([&] {
            while (gate.polls() == 0)
                std::this_thread::yield();
            gate.open();
        });
        block_on_future(set.run_until(std::move(h)));
        opener.join();
        QCOMPARE(log->lines, std::vector<std::string>{"gate opened"});
        QCOMPARE(log->threads.front(), std::this_thread::get_id());
    }

    void runAllAndJoinHandles() {
        auto log = std::make_shared<Log>();
        LocalSet set;
        block_on_future(set.run_all()); // nothing to do: Ready at once
        auto ok = set.spawn_local(local_answer(log), "answer");
        auto bad = set.spawn_local(local_fails(), "fails");
        block_on_future(set);
        QCOMPARE(set.live_tasks(), std::size_t(0));
        QCOMPARE(ok.get(), 42);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, bad.get());
    }

    void spawnWhileDrivenIsRunNextPoll() {
        auto log = std::make_shared<Log>();
        LocalSet set;
        Gate gate;
        auto waiting = set.spawn_local(wait_gate(gate, log));
        test::CountingWaker outer;
        QVERIFY(poll_once(set, outer).is_pending()); // stores the outer waker
        QCOMPARE(outer.wakes(), 0);
        auto h = set.spawn_local(local_answer(log));
        QCOMPARE(outer.wakes(), 1); // the driver is told to come back
        QVERIFY(poll_once(set, outer).is_pending());
        QVERIFY(h.is_finished());
        gate.open();
        QCOMPARE(outer.wakes(), 2);
        QVERIFY(poll_once(set, outer).is_ready());
    }

    void destructorCancelsUnfinished() {
        auto polled = std::make_shared<bool>(false);
        auto never_polled = std::make_shared<bool>(false);
        Gate gate;
        CountingHooks hooks;
        JoinHandle<void> h;
        {
            LocalSet set(&hooks);
            h = set.spawn_local(wait_gate_flag(gate, DropFlag(polled)));
            QVERIFY(poll_once(set).is_pending());
            (void)set.spawn_local(wait_gate_flag(gate, DropFlag(never_polled)));
            QCOMPARE(hooks.spawns.load(), 2);
            QCOMPARE(hooks.polls.load(), 1);
        }
        QVERIFY(*polled);
        QVERIFY(*never_polled);
        QCOMPARE(hooks.cancels.load(), 2);
        QVERIFY(h.is_finished());
        QVERIFY_THROWS_EXCEPTION(TaskCancelled, h.get());
        gate.open(); // no task left to wake
    }
};

QTEST_GUILESS_MAIN(TestLocalSet)
#include "test_local_set.moc"
