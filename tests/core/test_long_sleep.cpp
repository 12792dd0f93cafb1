// Long sleeps (issue 14, items 9-10): a sleep of years completes and never
// stalls the timer wheel for the other timers; sleep(Duration::max()) is
// clamped to the far future instead of overflowing into the past. On the
// virtual clock, so years pass in microseconds.
#include "manual_poll.h"
#include "runtime.h"
#include "select.h"
#include "time_driver.h"
#include "watchdog.h"

#include <QtTest>

#include <chrono>
#include <memory>
#include <string>

using namespace pollscope;
using namespace std::chrono_literals;
using pollscope::test::finishes_within;

namespace {

constexpr auto kThreeYears = std::chrono::hours(24 * 365 * 3);

std::unique_ptr<Runtime> make_virtual_runtime() {
    return std::make_unique<Runtime>(RuntimeOptions{.workers = 1, .clock = Clock::make_virtual()});
}

} // namespace

class TestLongSleep : public QObject {
    Q_OBJECT
private slots:
    // Beyond the wheel's 2^36 ms (~2.2 years) a timer used to be parked in the
    // current top-level slot, found due, re-inserted there, endless.
    void three_year_sleep_leaves_other_timers_working() {
        Instant short_done{-1}, long_done{-1};
        bool finished = finishes_within(20s, [&short_done, &long_done] {
            auto rt = make_virtual_runtime();
            rt->block_on([](Instant* s, Instant* l) -> Task<void> {
                co_await sleep(5ms); // the wheel's elapsed time is no longer 0
                auto sleeper = spawn([](Instant* l) -> Task<void> {
                    co_await sleep(kThreeYears);
                    *l = now();
                }(l));
                co_await sleep(10ms);
                *s = now();
                co_await sleeper;
            }(&short_done, &long_done));
        });
        QVERIFY2(finished, "the timer wheel hung after a 3-year sleep");
        QCOMPARE(short_done, Instant(15ms));
        QVERIFY(long_done >= Instant(5ms) + kThreeYears);
        QVERIFY(long_done <= Instant(5ms) + kThreeYears + 1ms);
    }

    // The same on the wheel alone, for each position of the wheel's clock in
    // its top-level slot (the slot a far timer used to land in).
    void far_timer_is_not_due_now_data() {
        QTest::addColumn<std::int64_t>("start_ms");
        for (std::int64_t ms :
             {0LL, 1LL, 5LL, (1LL << 30) * 3, (1LL << 30) * 3 + 7, (1LL << 36) - 1})
            QTest::addRow("elapsed %lld ms", static_cast<long long>(ms)) << ms;
    }
    void far_timer_is_not_due_now() {
        QFETCH(std::int64_t, start_ms);
        auto clock = Clock::make_virtual();
        auto* drv = new TimeDriver(clock); // leaked if the wheel hangs
        test::CountingWaker far_w, near_w;
        auto* far_e = new detail::TimerEntry;
        auto* near_e = new detail::TimerEntry;
        const Instant start = std::chrono::milliseconds(start_ms);
        std::string error; // QVERIFY is for the test's own thread
        bool finished = finishes_within(20s, [&] {
            drv->fire_until(start);
            if (!drv->arm(*far_e, start + kThreeYears, far_w.waker()) ||
                !drv->arm(*near_e, start + 10ms, near_w.waker())) {
                error = "arm refused a future deadline";
                return;
            }
            // walk the wheel deadline by deadline, as the virtual clock does
            for (int step = 0; step < 64 && far_w.wakes() == 0 && error.empty(); ++step) {
                auto next = drv->next_deadline();
                if (!next)
                    error = "no next deadline while timers are armed";
                else if (*next <= start)
                    error = "a timer reported due at once";
                else if (drv->fire_until(*next); *next < start + 10ms && near_w.wakes() != 0)
                    error = "the 10 ms timer fired early";
                else if (*next < start + kThreeYears && far_w.wakes() != 0)
                    error = "the 3-year timer fired early";
            }
        });
        QVERIFY2(finished, "fire_until never returned");
        QVERIFY2(error.empty(), error.c_str());
        QCOMPARE(near_w.wakes(), 1);
        QCOMPARE(far_w.wakes(), 1);
        QCOMPARE(drv->armed(), std::size_t(0));
        delete far_e;
        delete near_e;
        delete drv;
    }

    // now() + Duration::max() overflowed (UB) into the past: a sleep-endless
    // returned at once as soon as the clock was past 0.
    void sleep_for_duration_max_is_clamped_to_the_far_future() {
        auto rt = make_virtual_runtime();
        auto r = rt->block_on([]() -> Task<int> {
            co_await sleep(5ms);
            auto endless = sleep(Duration::max());
            if (endless.deadline() <= now() + std::chrono::hours(24 * 365 * 10))
                co_return -1; // not far in the future
            auto won = co_await select(std::move(endless), sleep(10ms));
            co_return int(won.index);
        }());
        QCOMPARE(r, 1);
    }

    void sleep_until_instant_max_does_not_fire() {
        auto rt = make_virtual_runtime();
        auto r = rt->block_on([]() -> Task<int> {
            co_await sleep(5ms);
            auto won = co_await select(sleep_until(Instant::max()), sleep(10ms));
            co_return int(won.index);
        }());
        QCOMPARE(r, 1);
    }
};

QTEST_GUILESS_MAIN(TestLongSleep)
#include "test_long_sleep.moc"
