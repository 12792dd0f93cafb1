// Runtime: spawn/join, block_on, work stealing, exceptions, shutdown, sleep on
// the virtual clock.
#include "runtime.h"

#include <QtTest>

#include <atomic>
#include <thread>

using namespace pollscope;
using namespace std::chrono_literals;

class TestRuntime : public QObject {
    Q_OBJECT
private slots:
    void block_on_returns_value() {
        Runtime rt({.workers = 2});
        auto v = rt.block_on([]() -> Task<int> { co_return 41 + 1; }());
        QCOMPARE(v, 42);
    }

    void spawn_and_await_join_handles() {
        Runtime rt({.workers = 2});
        auto sum = rt.block_on([]() -> Task<long> {
            std::vector<JoinHandle<int>> hs;
            for (int i = 0; i < 1000; ++i)
                hs.push_back(spawn([](int x) -> Task<int> { co_return x * 2; }(i)));
            long total = 0;
            for (auto& h : hs)
                total += co_await h;
            co_return total;
        }());
        QCOMPARE(sum, 999L * 1000L);
    }

    void exception_reaches_join_handle_and_worker_lives() {
        Runtime rt({.workers = 2});
        auto h = rt.spawn([]() -> Task<int> {
            throw std::runtime_error("boom");
            co_return 1;
        }());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, h.get());
        // the workers keep serving
        QCOMPARE(rt.block_on([]() -> Task<int> { co_return 7; }()), 7);
    }

    void work_stealing_moves_tasks_between_workers() {
        Runtime rt({.workers = 2});
        struct Shared {
            std::atomic<int> first_worker{-1};
            std::atomic<int> ran_elsewhere{0};
            std::atomic<int> done{0};
        } sh;
        // The root spawns 100 tasks into its own worker's local queue (below its
        // capacity, so none overflow to the shared queue). The first task to run
        // blocks its worker until another task ran elsewhere: the only way the
        // others can run is the other worker stealing them.
        rt.block_on([](Shared* sh) -> Task<void> {
            std::vector<JoinHandle<void>> hs;
            for (int i = 0; i < 100; ++i)
                hs.push_back(spawn([](Shared* sh) -> Task<void> {
                    int me = Runtime::current_worker();
                    int expected = -1;
                    if (sh->first_worker.compare_exchange_strong(expected, me)) {
                        auto deadline = std::chrono::steady_clock::now() + 20s;
                        while (sh->ran_elsewhere.load() == 0 &&
                               std::chrono::steady_clock::now() < deadline)
                            std::this_thread::yield();
                    } else if (me != sh->first_worker.load()) {
                        sh->ran_elsewhere.fetch_add(1);
                    }
                    sh->done.fetch_add(1);
                    co_return;
                }(sh)));
            for (auto& h : hs)
                co_await h;
        }(&sh));
        QCOMPARE(sh.done.load(), 100);
        QVERIFY2(sh.ran_elsewhere.load() > 0, "no task ran on the other worker");
        std::uint64_t steals = 0, stolen = 0;
        for (auto& s : rt.worker_stats()) {
            steals += s.steal_ops;
            stolen += s.stolen_tasks;
        }
        QVERIFY2(steals > 0, "no worker ever stole");
        QVERIFY(stolen >= steals);
    }

    void shutdown_destroys_pending_tasks() {
        auto alive = std::make_shared<int>(0);
        std::weak_ptr<int> weak = alive;
        {
            Runtime rt({.workers = 2});
            auto h = rt.spawn([](std::shared_ptr<int> keep) -> Task<void> {
                // waits forever: nothing will ever wake it
                struct Never {
                    Poll<void> poll(Context&) { return Pending; }
                };
                co_await Never{};
                (void)keep;
            }(std::move(alive)));
            // wait until it has been polled once (it is then idle, owned by the runtime)
            while (rt.worker_stats()[0].polls + rt.worker_stats()[1].polls == 0)
                std::this_thread::yield();
            QCOMPARE(rt.live_tasks(), std::size_t(1));
            rt.shutdown();
            QVERIFY(weak.expired());
            QVERIFY_THROWS_EXCEPTION(TaskCancelled, h.get());
        }
    }

    void sleep_on_virtual_clock_is_exact() {
        auto clock = Clock::make_virtual();
        Runtime rt({.workers = 2, .clock = clock});
        auto elapsed = rt.block_on([]() -> Task<std::int64_t> {
            auto t0 = now();
            co_await sleep(100ms);
            co_await sleep(250ms);
            co_return std::chrono::duration_cast<std::chrono::milliseconds>(now() - t0).count();
        }());
        QCOMPARE(elapsed, std::int64_t(350));
    }

    void many_sleepers_wake_in_deadline_order_on_virtual_clock() {
        auto clock = Clock::make_virtual();
        Runtime rt({.workers = 2, .clock = clock});
        std::mutex m;
        std::vector<int> order;
        std::vector<std::int64_t> woke_at;
        rt.block_on([&]() -> Task<void> {
            std::vector<JoinHandle<void>> hs;
            for (int i : {300, 5, 70, 4100, 64, 65, 1})
                hs.push_back(spawn([](int ms, std::mutex* m, std::vector<int>* order,
                                      std::vector<std::int64_t>* woke_at) -> Task<void> {
                    co_await sleep(std::chrono::milliseconds(ms));
                    std::lock_guard lk(*m);
                    order->push_back(ms);
                    woke_at->push_back(
                        std::chrono::duration_cast<std::chrono::milliseconds>(now()).count());
                }(i, &m, &order, &woke_at)));
            for (auto& h : hs)
                co_await h;
        }());
        QCOMPARE(order, (std::vector<int>{1, 5, 64, 65, 70, 300, 4100}));
        QCOMPARE(woke_at, (std::vector<std::int64_t>{1, 5, 64, 65, 70, 300, 4100}));
    }

    // Thousands of real 1 ms sleeps, repeatedly: every timer fires and no
    // worker is left asleep with timers pending (a lost driver wake-up hangs).
    void many_real_timers_all_fire() {
        Runtime rt({.workers = 2});
        for (int rep = 0; rep < 20; ++rep) {
            auto fired = rt.block_on([]() -> Task<int> {
                std::vector<JoinHandle<int>> hs;
                for (int i = 0; i < 2000; ++i)
                    hs.push_back(spawn([]() -> Task<int> {
                        for (int k = 0; k < 5; ++k)
                            co_await sleep(1ms);
                        co_return 5;
                    }()));
                int total = 0;
                for (auto& h : hs)
                    total += co_await h;
                co_return total;
            }());
            QCOMPARE(fired, 10000);
        }
    }

    void real_sleep_is_never_early() {
        Runtime rt({.workers = 2});
        auto late = rt.block_on([]() -> Task<std::int64_t> {
            auto t0 = now();
            co_await sleep(3ms);
            co_return (now() - t0 - 3ms).count();
        }());
        QVERIFY(late >= 0);
    }
};

QTEST_APPLESS_MAIN(TestRuntime)
#include "test_runtime.moc"
