// TimerFuture (the seed's Example 1): completed false before, true after; a
// timer that fires before the first poll; a timer destroyed before it fires;
// exact elapsed time on a virtual clock.
#include "block_on.h"
#include "clock.h"
#include "manual_poll.h"
#include "timer_future.h"

#include <QtTest>

#include <chrono>
#include <memory>

using namespace pollscope;
using namespace std::chrono_literals;
using pollscope::test::CountingWaker;
using pollscope::test::poll_once;

namespace {
bool completed(const std::shared_ptr<TimerFuture::SharedState>& s) {
    std::lock_guard lk(s->mutex);
    return s->completed;
}
// Polls the timer; after the first poll the thread releases its hold on the
// clock (it is idle, waiting), which lets virtual time jump to the deadline.
struct ReleaseAfterFirstPoll {
    TimerFuture& timer;
    Clock& clock;
    bool released = false;
    Poll<void> poll(Context& cx) {
        auto p = timer.poll(cx);
        if (!std::exchange(released, true))
            clock.release();
        return p;
    }
};
} // namespace

class TestTimerFuture : public QObject {
    Q_OBJECT
private slots:
    // The seed's run_timer_future_with_tokio. On a virtual clock "false
    // before" is certain: time stands still while this thread holds the clock.
    void falseBeforeTrueAfter() {
        auto clock = Clock::make_virtual();
        clock->hold();
        TimerFuture timer(10ms, clock);
        auto shared_state = timer.shared_state();
        QVERIFY(!completed(shared_state));
        block_on_future(ReleaseAfterFirstPoll{timer, *clock});
        QVERIFY(completed(shared_state));
        QCOMPARE(clock->now(), Instant(10ms));
    }

    // As the seed runs it: a real 10 ms thread sleep.
    void realClockCompletes() {
        auto start = std::chrono::steady_clock::now();
        TimerFuture timer(10ms);
        auto shared_state = timer.shared_state();
        block_on_future(timer);
        QVERIFY(completed(shared_state));
        QVERIFY(std::chrono::steady_clock::now() - start >= 10ms);
    }

    void pollStoresWakerAndIsWokenOnce() {
        auto clock = Clock::make_virtual();
        CountingWaker w;
        clock->hold(); // the "task" is running
        TimerFuture timer(5ms, clock);
        QVERIFY(poll_once(timer, w).is_pending());
        QVERIFY(poll_once(timer, w).is_pending()); // same waker: stored once
        QCOMPARE(w.stored(), 1);
        QCOMPARE(w.wakes(), 0);
        clock->release(); // idle: the clock jumps to the deadline and the thread wakes us
        QTRY_COMPARE(w.wakes(), 1);
        QVERIFY(timer.is_completed());
        QTRY_COMPARE(w.stored(), 0); // the thread consumed the waker
        QVERIFY(poll_once(timer, w).is_ready());
        QTRY_COMPARE(clock->holds(), 0);
    }

    // The seed's thread does waker.take().unwrap() and panics here.
    void firesBeforeFirstPoll() {
        auto clock = Clock::make_virtual();
        clock->hold();
        TimerFuture timer(3ms, clock);
        auto state = timer.shared_state();
        clock->release(); // fires with no waker stored
        QTRY_VERIFY(completed(state));
        QTRY_COMPARE(clock->holds(), 0);
        QCOMPARE(clock->now(), Instant(3ms));
        CountingWaker w;
        QVERIFY(poll_once(timer, w).is_ready());
        QCOMPARE(w.stored(), 0);
    }

    void zeroDurationCompletes() {
        auto clock = Clock::make_virtual();
        TimerFuture timer(0ms, clock);
        QTRY_VERIFY(timer.is_completed());
        QVERIFY(poll_once(timer).is_ready());
        QCOMPARE(clock->now(), Instant(0));
        QTRY_COMPARE(clock->holds(), 0);
    }

    void destroyedBeforeFiringRealClock() {
        CountingWaker w;
        std::weak_ptr<TimerFuture::SharedState> weak;
        {
            TimerFuture timer(1h, nullptr);
            weak = timer.shared_state();
            QVERIFY(poll_once(timer, w).is_pending());
            QCOMPARE(w.stored(), 1);
        }
        // The destructor dropped the waker and cancelled the hour-long sleep:
        // the thread exits at once and lets go of the shared state.
        QCOMPARE(w.stored(), 0);
        QTRY_VERIFY(weak.expired());
        QCOMPARE(w.wakes(), 0);
    }

    void destroyedBeforeFiringVirtualClock() {
        auto clock = Clock::make_virtual();
        CountingWaker w;
        std::weak_ptr<TimerFuture::SharedState> weak;
        {
            TimerFuture timer(10ms, clock);
            weak = timer.shared_state();
            QVERIFY(poll_once(timer, w).is_pending());
        }
        QTRY_VERIFY(weak.expired());
        clock->advance(); // the cancelled deadline is gone: time does not move
        QCOMPARE(clock->now(), Instant(0));
        QCOMPARE(w.wakes(), 0);
        QCOMPARE(clock->holds(), 0);
    }

    void destroyedWhileFiring() {
        // Races the destructor against the firing thread; whichever wins, no crash.
        auto clock = Clock::make_virtual();
        for (int i = 0; i < 200; ++i) {
            CountingWaker w;
            clock->hold();
            auto timer = std::make_unique<TimerFuture>(1ms, clock);
            QVERIFY(poll_once(*timer, w).is_pending());
            clock->release();
            timer.reset();
            QTRY_COMPARE(w.stored(), 0);
            QVERIFY(w.wakes() <= 1);
        }
        QTRY_COMPARE(clock->holds(), 0);
    }

    void virtualClockIsExactAndDoesNotWait() {
        auto clock = Clock::make_virtual();
        auto real_start = std::chrono::steady_clock::now();
        auto start = clock->now();
        clock->hold();
        TimerFuture timer(std::chrono::hours(24), clock);
        CountingWaker w;
        QVERIFY(poll_once(timer, w).is_pending());
        clock->release();
        QTRY_COMPARE(w.wakes(), 1);
        QVERIFY(poll_once(timer, w).is_ready());
        QCOMPARE(clock->now() - start, Duration(std::chrono::hours(24)));
        QVERIFY(std::chrono::steady_clock::now() - real_start < std::chrono::seconds(30));
    }
};

QTEST_GUILESS_MAIN(TestTimerFuture)
#include "test_timer_future.moc"
