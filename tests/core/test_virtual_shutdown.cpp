// Shutdown on the virtual clock while a worker is busy in modelled CPU work
// (Clock::occupy_until): a worker that stops must give up its hold on virtual
// time, or the busy one waits for time that never moves and shutdown's join
// waits for it (Reset right after Step hung the window this way).
#include "cpu_work.h"
#include "runtime.h"
#include "watchdog.h"

#include <QtTest>

#include <atomic>
#include <thread>

using namespace pollscope;
using namespace std::chrono_literals;
using pollscope::test::finishes_within;

class TestVirtualShutdown : public QObject {
    Q_OBJECT
private slots:
    void shutdown_while_a_worker_computes() {
        std::atomic<bool> computed{false};
        const bool ended = finishes_within(20s, [&computed] {
            auto clock = Clock::make_virtual();
            Runtime rt({.workers = 2, .clock = clock});
            std::atomic<bool> a_started{false}, b_started{false};
            // B keeps its worker (and so virtual time) until shutdown begins,
            // then its worker stops.
            auto b = rt.spawn([](Runtime* rt, std::atomic<bool>* started) -> Task<void> {
                started->store(true);
                while (!rt->shutting_down())
                    std::this_thread::yield();
                co_return;
            }(&rt, &b_started));
            // A computes for 100 ms of virtual time on the other worker.
            auto a = rt.spawn([](Clock* clock, std::atomic<bool>* started,
                                 std::atomic<bool>* done) -> Task<void> {
                started->store(true);
                burn_cpu(*clock, 100ms);
                done->store(true);
                co_return;
            }(clock.get(), &a_started, &computed));
            while (!a_started.load() || !b_started.load())
                std::this_thread::yield();
            rt.shutdown(); // joins both workers: A's time must still come
        });
        QVERIFY2(ended, "shutdown hung");
        QVERIFY(computed.load());
    }
};

QTEST_GUILESS_MAIN(TestVirtualShutdown)
#include "test_virtual_shutdown.moc"
