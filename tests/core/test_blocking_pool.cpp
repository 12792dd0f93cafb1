// spawn_blocking(): jobs run on named pool threads, not on the worker; the
// worker keeps polling other tasks; results and exceptions come back; on the
// virtual clock blocking work is modelled exactly; shutdown drops queued jobs.
#include "blocking_pool.h"
#include "cpu_work.h"
#include "join.h"
#include "runtime.h"

#include <QtTest>

#include <atomic>
#include <set>
#include <string>
#include <thread>

using namespace pollscope;
using namespace std::chrono_literals;

namespace {
struct ThreadNames : Hooks {
    std::mutex m;
    std::set<std::string> names;
    void on_worker_start(int, const char* name) override {
        std::lock_guard lk(m);
        names.insert(name);
    }
};

std::int64_t ms_since(Instant t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now() - t0).count();
}
} // namespace

class TestBlockingPool : public QObject {
    Q_OBJECT
private slots:
    void returnsTheValueFromAnotherThread() {
        Runtime rt({.workers = 1});
        auto [value, same_thread] = rt.block_on([]() -> Task<std::pair<int, bool>> {
            const auto me = std::this_thread::get_id();
            auto [v, id] = co_await spawn_blocking(
                [] { return std::make_pair(7 * 6, std::this_thread::get_id()); });
            co_return std::make_pair(v, id == me);
        }());
        QCOMPARE(value, 42);
        QVERIFY(!same_thread);
    }

    void rethrowsTheJobsException() {
        Runtime rt({.workers = 1});
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, rt.block_on([]() -> Task<void> {
            co_await spawn_blocking([] { throw std::runtime_error("disk full"); });
        }()));
    }

    // Three blocking jobs of 100/200/300 ms awaited by one task on ONE worker:
    // they run side by side on the pool, so 300 ms, not 600; the pool's
    // threads are reported by name.
    void blockingJobsDoNotBlockTheWorker() {
        ThreadNames hooks;
        auto clock = Clock::make_virtual();
        Runtime rt({.workers = 1, .hooks = &hooks, .clock = clock});
        auto elapsed = rt.block_on([](Clock* c) -> Task<std::int64_t> {
            const auto t0 = now();
            auto job = [c](int ms) {
                return [c, ms] { block_thread(*c, std::chrono::milliseconds(ms)); };
            };
            co_await join(spawn_blocking(job(100)), spawn_blocking(job(200)),
                          spawn_blocking(job(300)));
            co_return ms_since(t0);
        }(clock.get()));
        QCOMPARE(elapsed, std::int64_t(300));
        QCOMPARE(rt.blocking_pool().threads(), 3);
        std::lock_guard lk(hooks.m);
        QVERIFY(hooks.names.count("blocking-0") && hooks.names.count("blocking-2"));
    }

    // The same work done on the worker itself is serial: 600 ms.
    void theSameOnTheWorkerIsSerial() {
        auto clock = Clock::make_virtual();
        Runtime rt({.workers = 1, .clock = clock});
        auto elapsed = rt.block_on([](Clock* c) -> Task<std::int64_t> {
            const auto t0 = now();
            auto job = [](Clock* c, int ms) -> Task<void> {
                block_thread(*c, std::chrono::milliseconds(ms));
                co_return;
            };
            co_await join(job(c, 100), job(c, 200), job(c, 300));
            co_return ms_since(t0);
        }(clock.get()));
        QCOMPARE(elapsed, std::int64_t(600));
    }

    void shutdownDropsQueuedJobs() {
        BlockingPool pool({.max_threads = 1});
        std::atomic<bool> release{false}, started{false};
        std::atomic<int> ran{0};
        auto first = spawn_blocking(pool, [&] {
            started = true;
            while (!release.load())
                std::this_thread::yield();
            ++ran;
        });
        while (!started.load()) // the only thread is busy with the first job
            std::this_thread::yield();
        auto second = spawn_blocking(pool, [&] { ++ran; });
        std::thread stopper([&] { pool.shutdown(); });
        while (pool.threads() != 0) // shutdown took the threads: the queue is dropped
            std::this_thread::yield();
        release = true;
        stopper.join();
        QCOMPARE(ran.load(), 1);
        Waker w = Waker::noop();
        Context cx(w);
        QVERIFY(first.poll(cx).is_ready());
        QVERIFY_THROWS_EXCEPTION(TaskCancelled, (void)second.poll(cx));
        QVERIFY(!pool.submit([] {}, [] {}));
    }
};

QTEST_GUILESS_MAIN(TestBlockingPool)
#include "test_blocking_pool.moc"
