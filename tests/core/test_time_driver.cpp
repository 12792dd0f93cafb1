// TimeDriver: the hierarchical timer wheel fires every timer at its tick, never
// early, across level boundaries, and forgets disarmed ones.
#include "manual_poll.h"
#include "time_driver.h"

#include <QtTest>

#include <deque>

using namespace pollscope;
using namespace std::chrono_literals;

class TestTimeDriver : public QObject {
    Q_OBJECT
private slots:
    void fires_each_timer_at_its_tick_across_levels_data() {
        QTest::addColumn<std::int64_t>("deadline_ms");
        // level boundaries of a 64-slot wheel: 64, 64^2, 64^3 ticks
        for (std::int64_t ms :
             {1, 2, 63, 64, 65, 127, 128, 4095, 4096, 4097, 262143, 262144, 262145, 16777217})
            QTest::addRow("%lld ms", static_cast<long long>(ms)) << ms;
    }
    void fires_each_timer_at_its_tick_across_levels() {
        QFETCH(std::int64_t, deadline_ms);
        auto clock = Clock::make_virtual();
        TimeDriver drv(clock);
        test::CountingWaker w;
        detail::TimerEntry e;
        QVERIFY(drv.arm(e, std::chrono::milliseconds(deadline_ms), w.waker()));
        QCOMPARE(drv.armed(), std::size_t(1));
        // the wheel names the exact deadline, possibly after intermediate cascades
        std::int64_t fired_at = -1;
        for (int step = 0; step < 16 && fired_at < 0; ++step) {
            auto next = drv.next_deadline();
            QVERIFY(next.has_value());
            QVERIFY2(*next <= std::chrono::milliseconds(deadline_ms), "a cascade came late");
            drv.fire_until(*next);
            if (w.wakes() > 0)
                fired_at = std::chrono::duration_cast<std::chrono::milliseconds>(*next).count();
        }
        QCOMPARE(fired_at, deadline_ms);
        QCOMPARE(w.wakes(), 1);
        QCOMPARE(drv.armed(), std::size_t(0));
        QVERIFY(e.fired.load());
    }

    void never_fires_early_and_rounds_up_to_the_tick() {
        auto clock = Clock::make_virtual();
        TimeDriver drv(clock);
        test::CountingWaker w;
        detail::TimerEntry e;
        QVERIFY(drv.arm(e, 2500us, w.waker())); // 2.5 ms: due at tick 3
        drv.fire_until(2ms);
        QCOMPARE(w.wakes(), 0);
        QCOMPARE(*drv.next_deadline(), Instant(3ms));
        drv.fire_until(3ms);
        QCOMPARE(w.wakes(), 1);
    }

    void disarmed_timer_never_fires_and_releases_its_waker() {
        auto clock = Clock::make_virtual();
        TimeDriver drv(clock);
        test::CountingWaker w;
        detail::TimerEntry a, b;
        QVERIFY(drv.arm(a, 10ms, w.waker()));
        QVERIFY(drv.arm(b, 20ms, w.waker()));
        QCOMPARE(w.stored(), 2);
        drv.disarm(a);
        QCOMPARE(w.stored(), 1);
        QCOMPARE(drv.armed(), std::size_t(1));
        drv.fire_until(15ms);
        QCOMPARE(w.wakes(), 0);
        drv.fire_until(20ms);
        QCOMPARE(w.wakes(), 1);
        QCOMPARE(w.stored(), 0);
    }

    void many_timers_fire_in_order() {
        auto clock = Clock::make_virtual();
        TimeDriver drv(clock);
        std::deque<detail::TimerEntry> entries(500);
        std::vector<std::unique_ptr<test::CountingWaker>> wakers;
        for (int i = 0; i < 500; ++i) {
            wakers.push_back(std::make_unique<test::CountingWaker>());
            auto ms = (i * 7919) % 5000 + 1; // scattered over several levels
            QVERIFY(drv.arm(entries[std::size_t(i)], std::chrono::milliseconds(ms),
                            wakers.back()->waker()));
        }
        std::int64_t last = 0;
        while (auto next = drv.next_deadline()) {
            QVERIFY(next->count() >= last);
            last = next->count();
            drv.fire_until(*next);
        }
        for (int i = 0; i < 500; ++i)
            QCOMPARE(wakers[std::size_t(i)]->wakes(), 1);
        QCOMPARE(drv.armed(), std::size_t(0));
    }
};

QTEST_APPLESS_MAIN(TestTimeDriver)
#include "test_time_driver.moc"
