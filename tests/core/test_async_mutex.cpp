// Mutex<T>: an awaitable lock(); FIFO hand-off; a guard held across an await
// leaves the worker free for other tasks; abandoned waiters pass it on.
#include "async_mutex.h"
#include "manual_poll.h"
#include "runtime.h"

#include <QtTest>

#include <string>
#include <vector>

using namespace pollscope;
using namespace std::chrono_literals;
using pollscope::test::CountingWaker;
using pollscope::test::poll_once;

class TestAsyncMutex : public QObject {
    Q_OBJECT
private slots:
    void lockFreeIsReadyAtOnce() {
        Mutex<int> m(41);
        CountingWaker w;
        auto f = m.lock();
        auto p = poll_once(f, w);
        QVERIFY(p.is_ready());
        ++*p.value();
        QVERIFY(m.is_locked());
        QVERIFY(!m.try_lock());
        p.take().unlock();
        QVERIFY(!m.is_locked());
        auto g = m.try_lock();
        QVERIFY(g);
        QCOMPARE(**g, 42);
    }

    void waitersAreServedInOrderAndWoken() {
        Mutex<> m;
        CountingWaker wa, wb;
        auto first = m.try_lock();
        QVERIFY(first);
        auto a = m.lock();
        auto b = m.lock();
        QVERIFY(poll_once(a, wa).is_pending());
        QVERIFY(poll_once(b, wb).is_pending());
        QCOMPARE(wa.stored(), 1);
        QCOMPARE(m.waiters(), std::size_t(2));
        first.reset(); // unlock: handed to a, not to whoever polls first
        QCOMPARE(wa.wakes(), 1);
        QCOMPARE(wb.wakes(), 0);
        QVERIFY(poll_once(b, wb).is_pending());
        auto ga = poll_once(a, wa);
        QVERIFY(ga.is_ready());
        QVERIFY(m.is_locked());
        ga.take().unlock();
        QCOMPARE(wb.wakes(), 1);
        QVERIFY(poll_once(b, wb).is_ready()); // its guard is dropped at once
        QVERIFY(!m.is_locked());
    }

    void abandonedWaiterPassesTheLockOn() {
        Mutex<> m;
        CountingWaker wa, wb;
        auto held = m.try_lock();
        std::optional<LockFuture<Unit>> a(m.lock());
        auto b = m.lock();
        QVERIFY(poll_once(*a, wa).is_pending());
        QVERIFY(poll_once(b, wb).is_pending());
        held.reset(); // handed to a ...
        a.reset();    // ... which is dropped before taking it: b gets it
        QCOMPARE(wb.wakes(), 1);
        QVERIFY(poll_once(b, wb).is_ready());
        QVERIFY(!m.is_locked());
        QCOMPARE(wa.stored(), 0);
    }

    // Two tasks on ONE worker hold the guard across a sleep: no deadlock, the
    // second waits (Pending) while the first sleeps; 2 x 50 ms in all.
    void guardAcrossAwaitOnOneWorker() {
        Runtime rt({.workers = 1, .clock = Clock::make_virtual()});
        Mutex<std::vector<std::string>> log;
        auto body = [](Mutex<std::vector<std::string>>* log, std::string name) -> Task<void> {
            auto g = co_await log->lock();
            g->push_back(name + " in");
            co_await sleep(50ms);
            g->push_back(name + " out");
        };
        auto elapsed = rt.block_on([](auto body, auto* log) -> Task<std::int64_t> {
            const auto t0 = now();
            auto a = spawn(body(log, "a"), "a");
            auto b = spawn(body(log, "b"), "b");
            co_await a;
            co_await b;
            co_return std::chrono::duration_cast<std::chrono::milliseconds>(now() - t0).count();
        }(body, &log));
        QCOMPARE(elapsed, std::int64_t(100));
        auto g = log.try_lock();
        QVERIFY(g);
        // one after the other, never interleaved (whichever the worker ran first)
        const auto& v = **g;
        QCOMPARE(v.size(), std::size_t(4));
        const std::string first = v[0].substr(0, 1), second = first == "a" ? "b" : "a";
        QCOMPARE(v, (std::vector<std::string>{first + " in", first + " out", second + " in",
                                              second + " out"}));
    }
};

QTEST_GUILESS_MAIN(TestAsyncMutex)
#include "test_async_mutex.moc"
