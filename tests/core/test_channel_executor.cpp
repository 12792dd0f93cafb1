// ChannelExecutor + Spawner (the seed's Example 2): the seed's own test, wake
// once, a full channel, when run() returns, cancellation at destruction, hooks.
#include "block_on.h"
#include "channel_executor.h"
#include "clock.h"
#include "gate.h"
#include "timer_future.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace pollscope;
using namespace std::chrono_literals;
using pollscope::test::DropFlag;
using pollscope::test::Gate;

namespace {

struct Results {
    std::mutex m;
    std::vector<std::string> v;
    void push(std::string s) {
        std::lock_guard lk(m);
        v.push_back(std::move(s));
    }
    std::vector<std::string> get() {
        std::lock_guard lk(m);
        return v;
    }
};

// The seed's async block.
Task<void> hello_timer(std::shared_ptr<Results> results, std::shared_ptr<Clock> clock) {
    results->push("hello, start timer!");
    co_await TimerFuture(10ms, clock);
    results->push("bye, timer finished!");
}

Task<void> wait_gate(Gate gate, std::shared_ptr<int> polls_done) {
    co_await gate.wait();
    ++*polls_done;
}

Task<void> wait_gate_flag(Gate gate, DropFlag flag) {
    (void)flag;
    co_await gate.wait();
}

Task<void> push_text(std::shared_ptr<Results> results, std::string text) {
    results->push(std::move(text));
    co_return;
}

// Holds a Spawner while it waits, then spawns a child with it and finishes.
Task<void> spawn_after_gate(Spawner spawner, Gate gate, std::shared_ptr<Results> results) {
    results->push("parent waits");
    co_await gate.wait();
    spawner.spawn(push_text(results, "child ran"), "child");
    results->push("parent done");
}

// Never ready and never stores the waker: its task is lost once polled.
struct Never {
    Poll<void> poll(Context&) { return Pending; }
};
Task<void> lost(DropFlag flag) {
    (void)flag;
    co_await Never{};
}

Task<int> answer() {
    co_return 42;
}
Task<int> fails() {
    throw std::runtime_error("boom");
    co_return 0;
}

struct CountingHooks : Hooks {
    std::atomic<int> spawns{0}, polls{0}, pending{0}, ready{0}, wakes{0}, cancels{0};
    std::mutex m;
    std::vector<std::string> names;
    void on_spawn(const SpawnInfo& i) override {
        ++spawns;
        std::lock_guard lk(m);
        names.emplace_back(i.name);
    }
    void on_poll_start(TaskId) override { ++polls; }
    void on_poll_end(TaskId, PollResult r, std::source_location, const Resource*) override {
        ++(r == PollResult::Pending ? pending : ready);
    }
    void on_wake(TaskId, TaskId) override { ++wakes; }
    void on_cancel(TaskId) override { ++cancels; }
};

} // namespace

class TestChannelExecutor : public QObject {
    Q_OBJECT
private slots:
    // The seed's run_executor_and_spawner, as written (a real 10 ms timer).
    void seedTest() {
        auto results = std::make_shared<Results>();
        auto [executor, spawner] = new_executor_and_spawner();
        spawner.spawn(hello_timer(results, nullptr));
        { auto drop = std::move(spawner); }
        executor.run();
        QCOMPARE(results->get(),
                 (std::vector<std::string>{"hello, start timer!", "bye, timer finished!"}));
        QCOMPARE(executor.live_tasks(), std::size_t(0));
    }

    void seedTestOnVirtualClock() {
        auto clock = Clock::make_virtual();
        auto results = std::make_shared<Results>();
        CountingHooks hooks;
        auto [executor, spawner] = new_executor_and_spawner(10'000, &hooks, clock);
        spawner.spawn(hello_timer(results, clock), "hello");
        { auto drop = std::move(spawner); }
        executor.run();
        QCOMPARE(results->get(),
                 (std::vector<std::string>{"hello, start timer!", "bye, timer finished!"}));
        QCOMPARE(clock->now(), Instant(10ms));
        QCOMPARE(hooks.spawns.load(), 1);
        QCOMPARE(hooks.names, std::vector<std::string>{"hello"});
        QCOMPARE(hooks.polls.load(), 2); // Pending, then Ready after the one wake
        QCOMPARE(hooks.pending.load(), 1);
        QCOMPARE(hooks.ready.load(), 1);
        QCOMPARE(hooks.wakes.load(), 1);
        QTRY_COMPARE(clock->holds(), 0);
    }

    void virtualTimeAdvancesOnlyWhenIdle() {
        auto clock = Clock::make_virtual();
        auto results = std::make_shared<Results>();
        auto [executor, spawner] = new_executor_and_spawner(100, nullptr, clock);
        for (int i = 0; i < 5; ++i)
            spawner.spawn(hello_timer(results, clock));
        { auto drop = std::move(spawner); }
        executor.run();
        QCOMPARE(results->get().size(), std::size_t(10));
        QCOMPARE(clock->now(), Instant(10ms)); // all five timers started at 0
    }

    void wakeQueuesOnce() {
        auto [executor, spawner] = new_executor_and_spawner();
        Gate gate;
        auto done = std::make_shared<int>(0);
        spawner.spawn(wait_gate(gate, done));
        QCOMPARE(executor.queued(), std::size_t(1));
        QCOMPARE(executor.run_queued(), ChannelExecutor::Status::Waiting);
        QCOMPARE(gate.polls(), 1);
        QCOMPARE(executor.queued(), std::size_t(0));
        Waker w = gate.waker();
        QVERIFY(w.valid());
        w.wake_by_ref();
        w.wake_by_ref();
        gate.poke();
        QCOMPARE(executor.queued(), std::size_t(1)); // queued once
        QCOMPARE(executor.run_queued(), ChannelExecutor::Status::Waiting);
        QCOMPARE(gate.polls(), 2); // one spurious poll, Pending again
        QCOMPARE(*done, 0);
        gate.open();
        w.wake(); // a late wake of a queued task
        QCOMPARE(executor.queued(), std::size_t(1));
        { auto drop = std::move(spawner); }
        QCOMPARE(executor.run_queued(), ChannelExecutor::Status::Finished);
        QCOMPARE(*done, 1);
    }

    void fullChannelGivesError() {
        auto [executor, spawner] = new_executor_and_spawner(2);
        auto results = std::make_shared<Results>();
        spawner.spawn(push_text(results, "a"));
        spawner.spawn(push_text(results, "b"));
        QVERIFY_THROWS_EXCEPTION(ChannelFull, spawner.spawn(push_text(results, "c")));
        QVERIFY(!spawner.try_spawn(push_text(results, "c")));
        QCOMPARE(executor.queued(), std::size_t(2));
        QCOMPARE(executor.run_queued(), ChannelExecutor::Status::Waiting); // spawner alive
        QVERIFY(spawner.try_spawn(push_text(results, "c")));
        { auto drop = std::move(spawner); }
        executor.run();
        QCOMPARE(results->get(), (std::vector<std::string>{"a", "b", "c"}));
    }

    void wakeIntoFullChannelDoesNotBlock() {
        auto [executor, spawner] = new_executor_and_spawner(1);
        Gate gate;
        auto done = std::make_shared<int>(0);
        spawner.spawn(wait_gate(gate, done));
        QCOMPARE(executor.run_queued(), ChannelExecutor::Status::Waiting);
        auto results = std::make_shared<Results>();
        spawner.spawn(push_text(results, "fills the channel"));
        QVERIFY(!spawner.try_spawn(push_text(results, "no room")));
        gate.open(); // the woken task still gets in
        QCOMPARE(executor.queued(), std::size_t(2));
        { auto drop = std::move(spawner); }
        executor.run();
        QCOMPARE(*done, 1);
        QCOMPARE(results->get().size(), std::size_t(1));
    }

    void runReturnsWhenSpawnersDropped() {
        auto [executor, spawner] = new_executor_and_spawner();
        auto results = std::make_shared<Results>();
        Spawner copy = spawner;
        spawner.spawn(push_text(results, "one"));
        copy.spawn(push_text(results, "two"));
        QCOMPARE(executor.senders(), std::size_t(4)); // two spawners, two tasks
        { auto drop = std::move(spawner); }
        { auto drop = std::move(copy); }
        executor.run();
        QCOMPARE(results->get(), (std::vector<std::string>{"one", "two"}));
        QCOMPARE(executor.senders(), std::size_t(0));
    }

    void lostTaskDoesNotKeepRunGoing() {
        auto [executor, spawner] = new_executor_and_spawner();
        auto dropped = std::make_shared<bool>(false);
        spawner.spawn(lost(DropFlag(dropped)));
        { auto drop = std::move(spawner); }
        executor.run(); // the task is Pending with no waker anywhere: it is destroyed
        QVERIFY(*dropped);
    }

    void droppedWakerEndsTheTask() {
        auto [executor, spawner] = new_executor_and_spawner();
        auto dropped = std::make_shared<bool>(false);
        Gate gate;
        spawner.spawn(wait_gate_flag(gate, DropFlag(dropped)));
        { auto drop = std::move(spawner); }
        QCOMPARE(executor.run_queued(),
                 ChannelExecutor::Status::Waiting); // the gate holds the waker
        QVERIFY(!*dropped);
        gate.drop_waker();
        QVERIFY(*dropped);
        QCOMPARE(executor.run_queued(), ChannelExecutor::Status::Finished);
    }

    void taskHoldingSpawnerKeepsRunning() {
        auto [executor, spawner] = new_executor_and_spawner();
        auto results = std::make_shared<Results>();
        Gate gate;
        spawner.spawn(spawn_after_gate(spawner, gate, results), "parent");
        { auto drop = std::move(spawner); }
        QCOMPARE(executor.run_queued(), ChannelExecutor::Status::Waiting);
        QCOMPARE(executor.senders(), std::size_t(2)); // the parent and the Spawner it holds
        gate.open();
        QCOMPARE(executor.run_queued(), ChannelExecutor::Status::Finished);
        QCOMPARE(results->get(),
                 (std::vector<std::string>{"parent waits", "parent done", "child ran"}));
    }

    void runBlocksUntilTaskDropsSpawner() {
        auto [executor, spawner] = new_executor_and_spawner();
        auto results = std::make_shared<Results>();
        Gate gate;
        spawner.spawn(spawn_after_gate(spawner, gate, results), "parent");
        { auto drop = std::move(spawner); }
        std::atomic<bool> returned{false};
        std::thread runner([&, &executor = executor] {
            executor.run();
            returned = true;
        });
        QTRY_COMPARE(gate.polls(), 1);
        QVERIFY(!returned); // waiting in run(): a sender is alive
        gate.open();
        runner.join();
        QCOMPARE(results->get().size(), std::size_t(3));
    }

    void joinableSpawn() {
        auto [executor, spawner] = new_executor_and_spawner();
        auto h = spawner.spawn_joinable(answer(), "answer");
        auto f = spawner.spawn_joinable(fails(), "fails");
        { auto drop = std::move(spawner); }
        executor.run();
        QVERIFY(h.is_finished());
        QCOMPARE(h.get(), 42);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, f.get());
    }

    void destructorCancelsUnfinishedTasks() {
        auto waiting = std::make_shared<bool>(false);
        auto queued = std::make_shared<bool>(false);
        Gate gate;
        CountingHooks hooks;
        std::optional<Spawner> kept;
        {
            auto [executor, spawner] = new_executor_and_spawner(10, &hooks);
            spawner.spawn(wait_gate_flag(gate, DropFlag(waiting)));
            QCOMPARE(executor.run_queued(), ChannelExecutor::Status::Waiting);
            spawner.spawn(wait_gate_flag(Gate(), DropFlag(queued)));
            kept = spawner;
            QVERIFY(!*waiting);
            QVERIFY(!*queued);
        }
        QVERIFY(*waiting);
        QVERIFY(*queued);
        QCOMPARE(hooks.cancels.load(), 2);
        QVERIFY_THROWS_EXCEPTION(ExecutorGone, kept->spawn(push_text(nullptr, "late")));
        QVERIFY(!kept->try_spawn(push_text(nullptr, "late")));
        gate.open(); // a wake after the executor is gone: nothing happens
    }

    void destructorWithJoinHandleOutstanding() {
        JoinHandle<void> h;
        Gate gate;
        {
            auto [executor, spawner] = new_executor_and_spawner();
            h = spawner.spawn_joinable(wait_gate(gate, std::make_shared<int>(0)));
            executor.run_queued();
        }
        QVERIFY(h.is_finished());
        QVERIFY_THROWS_EXCEPTION(TaskCancelled, h.get());
    }
};

QTEST_GUILESS_MAIN(TestChannelExecutor)
#include "test_channel_executor.moc"
