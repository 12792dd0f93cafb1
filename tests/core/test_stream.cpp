// Stream: co_yield values on demand, co_await futures in between (leaf
// polling: resumes only on Ready), nullopt at the end, exceptions, cancel.
#include "hooks.h"
#include "manual_poll.h"
#include "mpsc.h"
#include "stream.h"
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
Stream<std::string> letters() {
    co_yield "a";
    co_yield "b";
    co_await yield_now();
    co_yield "c";
    co_await yield_now();
    co_await yield_now();
    co_yield "d";
}

/// Forwards what a channel receives, doubled.
Stream<int> doubled(mpsc::Receiver<int>& rx, int* resumes) {
    while (auto v = co_await rx.recv()) {
        ++*resumes;
        co_yield *v * 2;
    }
}

Stream<int> throws_after_one() {
    co_yield 1;
    throw std::runtime_error("stream broke");
}

struct Guard {
    int* count;
    ~Guard() { ++*count; }
};
Stream<int> guarded(int* destroyed) {
    Guard g{destroyed};
    for (int i = 0;; ++i)
        co_yield i;
}

struct SiteHooks : Hooks {};
} // namespace

class TestStream : public QObject {
    Q_OBJECT
private slots:
    void yieldsAbcdThenNullopt() {
        auto s = letters();
        std::vector<std::string> got;
        int pending = 0;
        for (;;) {
            auto n = s.next();
            auto p = poll_once(n);
            if (p.is_pending()) {
                ++pending;
                continue;
            }
            auto v = p.take();
            if (!v)
                break;
            got.push_back(*v);
        }
        QCOMPARE(got, (std::vector<std::string>{"a", "b", "c", "d"}));
        QCOMPARE(pending, 3); // one Pending poll per yield_now
        QVERIFY(s.done());
        auto again = s.next();
        QVERIFY(!poll_once(again).take()); // stays finished
    }

    void consumedByATask() {
        auto t = []() -> Task<std::string> {
            auto s = letters();
            std::string all;
            while (auto v = co_await s.next())
                all += *v;
            co_return all;
        }();
        std::optional<std::string> out;
        for (int i = 0; i < 20 && !out; ++i)
            if (auto p = poll_once(t); p.is_ready())
                out = p.take();
        QCOMPARE(out, std::optional<std::string>("abcd"));
    }

    void leafPollingResumesOnlyOnReady() {
        auto [tx, rx] = mpsc::channel<int>(4);
        int resumes = 0;
        auto s = doubled(rx, &resumes);
        CountingWaker w;
        auto n1 = s.next();
        QVERIFY(poll_once(n1, w).is_pending());
        QVERIFY(poll_once(n1, w).is_pending()); // spurious poll: body not resumed
        QCOMPARE(resumes, 0);
        QCOMPARE(tx.try_send(21), mpsc::TrySendResult::Sent);
        QCOMPARE(w.wakes(), 1);
        QCOMPARE(poll_once(n1, w).take(), std::optional<int>(42));
        QCOMPARE(resumes, 1);
        {
            auto n2 = s.next();
            QVERIFY(poll_once(n2, w).is_pending()); // next() dropped mid-wait...
        }
        QCOMPARE(tx.try_send(5), mpsc::TrySendResult::Sent);
        auto n3 = s.next(); // ...a new next() continues where the body waits
        QCOMPARE(poll_once(n3, w).take(), std::optional<int>(10));
        { auto gone = std::move(tx); }
        auto n4 = s.next();
        QCOMPARE(poll_once(n4, w).take(), std::optional<int>());
    }

    void exceptionPropagatesOnce() {
        auto s = throws_after_one();
        auto n = s.next();
        QCOMPARE(poll_once(n).take(), std::optional<int>(1));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, (void)poll_once(n));
        QVERIFY(!poll_once(n).take());
    }

    void destroyingTheStreamDestroysTheFrame() {
        int destroyed = 0;
        {
            auto s = guarded(&destroyed);
            auto n = s.next();
            QCOMPARE(poll_once(n).take(), std::optional<int>(0));
            QCOMPARE(poll_once(n).take(), std::optional<int>(1));
            QCOMPARE(destroyed, 0);
        }
        QCOMPARE(destroyed, 1);
        { auto never_started = guarded(&destroyed); }
        QCOMPARE(destroyed, 1); // body never ran: the Guard was never built
    }

    void recordsTheAwaitSite() {
        auto [tx, rx] = mpsc::channel<int>(1);
        int resumes = 0;
        auto s = doubled(rx, &resumes);
        auto n = s.next();
        SiteHooks hooks;
        detail::PollScope scope(&hooks, 5);
        QVERIFY(poll_once(n).is_pending());
        auto site = scope.await_site();
        QVERIFY(site.line() > 0);
        QVERIFY(std::string(site.file_name()).find("test_stream.cpp") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestStream)
#include "test_stream.moc"
