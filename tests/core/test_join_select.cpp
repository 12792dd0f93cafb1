// join/join_all return every output; select returns the first (biased) and
// destroys the losers at once, including a losing Task's frame.
#include "join.h"
#include "manual_poll.h"
#include "oneshot.h"
#include "select.h"
#include "task.h"
#include "yield_now.h"

#include <QtTest>

#include <stdexcept>
#include <string>
#include <vector>

using namespace pollscope;
using pollscope::test::CountingWaker;
using pollscope::test::poll_once;

namespace {
/// Pending `n` times (waking itself), then Ready(value); counts destructions.
struct Countdown {
    int n;
    int value;
    int* destroyed = nullptr;
    int polls = 0;
    Countdown(int n_, int v, int* d = nullptr)
        : n(n_)
        , value(v)
        , destroyed(d) {}
    Countdown(Countdown&& o) noexcept
        : n(o.n)
        , value(o.value)
        , destroyed(std::exchange(o.destroyed, nullptr))
        , polls(o.polls) {}
    ~Countdown() {
        if (destroyed)
            ++*destroyed;
    }
    Poll<int> poll(Context& cx) {
        ++polls;
        if (n-- > 0) {
            cx.waker().wake_by_ref();
            return Pending;
        }
        return value;
    }
};

struct Guard {
    int* count;
    ~Guard() { ++*count; }
};

Task<int> after_yields(int yields, int value) {
    for (int i = 0; i < yields; ++i)
        co_await yield_now();
    co_return value;
}
Task<void> nothing() {
    co_return;
}
Task<int> throws_after_yield() {
    co_await yield_now();
    throw std::runtime_error("boom");
}
/// Waits on a oneshot forever while holding a Guard in its frame.
Task<int> waits_forever(oneshot::Receiver<int> rx, int* destroyed) {
    Guard g{destroyed};
    auto v = co_await rx;
    co_return v.value_or(-1);
}

template <class F> auto run_to_ready(F& f, int max_polls = 100) {
    for (int i = 0; i < max_polls; ++i) {
        auto p = poll_once(f);
        if (p.is_ready())
            return p.take();
    }
    throw std::runtime_error("never ready");
}
} // namespace

class TestJoinSelect : public QObject {
    Q_OBJECT
private slots:
    void joinReturnsAllValues() {
        auto j = join(after_yields(3, 1), Countdown(1, 2), nothing(), after_yields(0, 4));
        CountingWaker w;
        QVERIFY(poll_once(j, w).is_pending());
        auto [a, b, c, d] = run_to_ready(j);
        QCOMPARE(a, 1);
        QCOMPARE(b, 2);
        QCOMPARE(c, Unit{});
        QCOMPARE(d, 4);
    }

    void joinPollsOnlyUnfinished() {
        int destroyed = 0;
        auto j = join(Countdown(0, 1, &destroyed), Countdown(2, 2, &destroyed));
        QVERIFY(poll_once(j).is_pending());
        QCOMPARE(destroyed, 1); // the finished one is destroyed at once, kept as output
        QVERIFY(poll_once(j).is_pending());
        auto out = poll_once(j);
        QVERIFY(out.is_ready());
        QCOMPARE(out.take(), std::make_tuple(1, 2));
        QCOMPARE(destroyed, 2);
    }

    void joinInsideTask() {
        auto t = []() -> Task<int> {
            auto [x, y] = co_await join(after_yields(2, 20), after_yields(1, 22));
            co_return x + y;
        }();
        QCOMPARE(run_to_ready(t), 42);
    }

    void joinPropagatesException() {
        auto j = join(after_yields(5, 1), throws_after_yield());
        QVERIFY(poll_once(j).is_pending());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, (void)poll_once(j));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)poll_once(j));
    }

    void joinAllReturnsInOrder() {
        std::vector<Task<int>> tasks;
        for (int i = 0; i < 5; ++i)
            tasks.push_back(after_yields(5 - i, i * 10));
        auto j = join_all(std::move(tasks));
        auto out = run_to_ready(j);
        QCOMPARE(out, (std::vector<int>{0, 10, 20, 30, 40}));
        auto empty = join_all(std::vector<Task<int>>{});
        QVERIFY(poll_once(empty).is_ready());
        std::vector<Task<void>> voids;
        voids.push_back(nothing());
        auto jv = join_all(std::move(voids));
        QCOMPARE(run_to_ready(jv).size(), std::size_t(1));
    }

    void selectFirstReadyWinsAndLosersDestroyedAtOnce() {
        int destroyed = 0;
        auto s = select(Countdown(3, 1, &destroyed), Countdown(1, 2, &destroyed),
                        Countdown(5, 3, &destroyed));
        QVERIFY(poll_once(s).is_pending());
        QCOMPARE(destroyed, 0);
        auto p = poll_once(s);
        QVERIFY(p.is_ready());
        QCOMPARE(destroyed, 3); // losers destroyed in the winning poll, not later
        auto r = p.take();
        QCOMPARE(r.index, std::size_t(1));
        QCOMPARE(r.value.index(), std::size_t(1));
        QCOMPARE(std::get<1>(r.value), 2);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)poll_once(s));
    }

    void selectIsBiasedToTheLeft() {
        auto s = select(Countdown(0, 1), Countdown(0, 2));
        QCOMPARE(poll_once(s).take().index, std::size_t(0));
        auto s2 = select(Countdown(1, 1), Countdown(0, 2));
        QCOMPARE(poll_once(s2).take().index, std::size_t(1));
    }

    void losingTaskFrameIsDestroyed() {
        int frames = 0;
        auto [tx, rx] = oneshot::channel<int>();
        CountingWaker w;
        {
            auto s = select(waits_forever(std::move(rx), &frames), after_yields(2, 7));
            QVERIFY(poll_once(s, w).is_pending());
            QVERIFY(!tx.is_closed());
            QVERIFY(poll_once(s, w).is_pending());
            QCOMPARE(frames, 0);
            auto p = poll_once(s, w);
            QVERIFY(p.is_ready());
            QCOMPARE(frames, 1);     // Guard in the loser's frame ran at once
            QVERIFY(tx.is_closed()); // and its oneshot receiver is gone
            auto r = p.take();
            QCOMPARE(r.index, std::size_t(1));
            QCOMPARE(std::get<1>(r.value), 7);
        }
        QCOMPARE(frames, 1);
    }

    void selectVoidWinnerIsUnit() {
        auto s = select(nothing(), Countdown(3, 1));
        auto r = run_to_ready(s);
        QCOMPARE(r.index, std::size_t(0));
        QCOMPARE(std::get<0>(r.value), Unit{});
    }

    void selectPropagatesExceptionAndDestroysAll() {
        int destroyed = 0;
        auto s = select(throws_after_yield(), Countdown(10, 1, &destroyed));
        QVERIFY(poll_once(s).is_pending());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, (void)poll_once(s));
        QCOMPARE(destroyed, 1);
    }

    void byRefKeepsALoserAlive() {
        int destroyed = 0;
        Countdown slow(3, 9, &destroyed);
        for (int round = 0; round < 3; ++round) {
            auto s = select(by_ref(slow), Countdown(0, round));
            auto r = poll_once(s).take();
            QCOMPARE(r.index, std::size_t(1)); // slow lost but is not destroyed
        }
        QCOMPARE(destroyed, 0);
        QCOMPARE(slow.polls, 3); // and kept its progress
        auto s = select(by_ref(slow), Countdown(5, 0));
        auto r = poll_once(s).take();
        QCOMPARE(r.index, std::size_t(0));
        QCOMPARE(std::get<0>(r.value), 9);
    }

    void selectInsideTask() {
        auto t = []() -> Task<std::string> {
            auto r = co_await select(after_yields(4, 1), after_yields(2, 2));
            co_return std::to_string(r.index) + ":" + std::to_string(std::get<1>(r.value));
        }();
        QCOMPARE(run_to_ready(t), std::string("1:2"));
    }
};

QTEST_APPLESS_MAIN(TestJoinSelect)
#include "test_join_select.moc"
