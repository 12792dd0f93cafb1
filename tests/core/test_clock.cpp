// Clock: real time moves by itself; virtual time moves only when nothing holds
// it, straight to the next deadline.
#include "clock.h"

#include <QtTest>

#include <thread>

using namespace pollscope;
using namespace std::chrono_literals;

class TestClock : public QObject {
    Q_OBJECT
private slots:
    void virtual_time_stands_still_while_held() {
        auto clock = Clock::make_virtual();
        clock->hold();
        std::atomic<bool> woke{false};
        std::thread sleeper([&] {
            clock->sleep_until(Instant(50ms));
            woke = true;
            clock->release();
        });
        while (clock->sleepers() < 1)
            std::this_thread::yield();
        // held: the sleeper stays asleep, however much real time passes
        std::this_thread::sleep_for(20ms);
        QVERIFY(!woke.load());
        QCOMPARE(clock->now(), Instant(0));
        clock->release(); // idle now: time jumps to the deadline
        sleeper.join();
        QVERIFY(woke.load());
        QCOMPARE(clock->now(), Instant(50ms));
        QCOMPARE(clock->holds(), 0);
    }

    void a_sleeper_on_an_idle_clock_is_woken_at_once() {
        auto clock = Clock::make_virtual();
        std::thread sleeper([&] {
            clock->sleep_until(Instant(2s));
            clock->release();
        });
        sleeper.join(); // would hang if registering on an idle clock did not advance it
        QCOMPARE(clock->now(), Instant(2s));
    }

    void sleepers_wake_in_deadline_order() {
        auto clock = Clock::make_virtual();
        clock->hold();
        std::mutex m;
        std::vector<int> order;
        std::vector<std::thread> ts;
        for (int ms : {30, 10, 20})
            ts.emplace_back([&, ms] {
                clock->sleep_until(Instant(std::chrono::milliseconds(ms)));
                {
                    std::lock_guard lk(m);
                    order.push_back(ms);
                }
                clock->release();
            });
        while (clock->sleepers() < 3) // all three registered
            std::this_thread::yield();
        clock->release();
        for (auto& t : ts)
            t.join();
        QCOMPARE(order, (std::vector<int>{10, 20, 30}));
        QCOMPARE(clock->now(), Instant(30ms));
    }

    // Two holders busy at once (modelled CPU work on two threads) overlap:
    // both end at 100 ms, not 100 and 200; a third holder keeps time still.
    void occupied_holders_overlap_and_return_holding() {
        auto clock = Clock::make_virtual();
        clock->hold(); // keeps time still until both are busy
        std::vector<std::thread> ts;
        std::vector<std::int64_t> ended(2, -1);
        for (int i = 0; i < 2; ++i)
            ts.emplace_back([&, i] {
                clock->hold();
                clock->occupy_until(clock->now() + 100ms);
                ended[std::size_t(i)] = clock->now().count();
                clock->release(); // the hold occupy_until gave back
            });
        while (clock->sleepers() < 2)
            std::this_thread::yield();
        QCOMPARE(clock->now(), Instant(0)); // still held by this thread
        clock->release();
        for (auto& t : ts)
            t.join();
        QCOMPARE(ended, (std::vector<std::int64_t>{100'000'000, 100'000'000}));
        QCOMPARE(clock->holds(), 0); // every hold given back was released once
    }

    void real_clock_moves_and_ignores_holds() {
        auto clock = Clock::make_real();
        clock->hold();
        auto t0 = clock->now();
        clock->sleep_until(t0 + 2ms);
        QVERIFY(clock->now() - t0 >= 2ms);
        clock->release();
        QCOMPARE(clock->holds(), 0);
    }
};

QTEST_APPLESS_MAIN(TestClock)
#include "test_clock.moc"
