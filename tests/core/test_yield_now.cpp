// yield_now(): one self-wake and Pending, then Ready; reported to the hooks.
#include "hooks.h"
#include "manual_poll.h"
#include "task.h"
#include "yield_now.h"

#include <QtTest>

using namespace pollscope;
using pollscope::test::CountingWaker;
using pollscope::test::poll_once;

namespace {
struct YieldHooks : Hooks {
    int yields = 0;
    TaskId last = 0;
    void on_yield(TaskId id) override {
        ++yields;
        last = id;
    }
};
} // namespace

class TestYieldNow : public QObject {
    Q_OBJECT
private slots:
    void pendingOnceThenReady() {
        CountingWaker w;
        auto f = yield_now();
        QVERIFY(poll_once(f, w).is_pending());
        QCOMPARE(w.wakes(), 1);
        QCOMPARE(w.stored(), 0); // woken by reference, nothing kept
        QVERIFY(poll_once(f, w).is_ready());
        QCOMPARE(w.wakes(), 1);
    }

    void insideTaskCostsOnePendingPoll() {
        CountingWaker w;
        int steps = 0;
        auto t = [](int& s) -> Task<int> {
            ++s;
            co_await yield_now();
            ++s;
            co_await yield_now();
            co_return ++s;
        }(steps);
        QVERIFY(poll_once(t, w).is_pending());
        QCOMPARE(steps, 1);
        QVERIFY(poll_once(t, w).is_pending());
        QCOMPARE(steps, 2);
        auto p = poll_once(t, w);
        QVERIFY(p.is_ready());
        QCOMPARE(p.take(), 3);
        QCOMPARE(w.wakes(), 2);
    }

    void reportsToHooks() {
        YieldHooks hooks;
        CountingWaker w;
        auto f = yield_now();
        {
            detail::PollScope scope(&hooks, 42);
            QVERIFY(poll_once(f, w).is_pending());
            QVERIFY(poll_once(f, w).is_ready());
        }
        QCOMPARE(hooks.yields, 1);
        QCOMPARE(hooks.last, TaskId(42));
        auto g = yield_now();
        QVERIFY(poll_once(g, w).is_pending()); // no hooks installed: no call
        QCOMPARE(hooks.yields, 1);
    }
};

QTEST_APPLESS_MAIN(TestYieldNow)
#include "test_yield_now.moc"
