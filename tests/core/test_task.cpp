// Task<T> and RawTask semantics on the Runtime: a spurious wake is a Pending
// poll that does not resume the coroutine; waking a queued task queues it once;
// exceptions cross co_await; hooks see every transition with the await site.
#include "recording_hooks.h"
#include "runtime.h"
#include "task_state.h"
#include "yield_now.h"

#include <QtTest>

using namespace pollscope;

namespace {
/// A leaf future that is Ready only once `open` is set; stores its waker.
struct Gate {
    std::atomic<bool> open{false};
    std::mutex m;
    Waker waker;
    std::atomic<int> polls{0};

    struct Wait {
        Gate* g;
        Poll<void> poll(Context& cx) {
            g->polls.fetch_add(1);
            std::lock_guard lk(g->m);
            if (g->open.load())
                return Ready();
            g->waker = cx.waker();
            return Pending;
        }
    };
    Wait wait() { return Wait{this}; }
    Waker stored() {
        std::lock_guard lk(m);
        return waker;
    }
};

struct Probe {
    Gate gate;
    std::atomic<int> resumed{0}; // statements after the co_await that ran
    TaskId waiter = 0;
};

Task<void> waiter(Probe* p) {
    co_await p->gate.wait();
    p->resumed.fetch_add(1);
}
} // namespace

class TestTask : public QObject {
    Q_OBJECT
private slots:
    void spurious_wake_is_a_pending_poll() {
        test::RecordingHooks hooks;
        Runtime rt({.workers = 1, .hooks = &hooks});
        Probe p;
        auto h = rt.spawn(waiter(&p), "waiter");
        p.waiter = h.id();
        rt.block_on([](Probe* p) -> Task<void> {
            // wait until the waiter stored its waker, then wake it spuriously
            while (!p->gate.stored())
                co_await yield_now();
            p->gate.stored().wake();
            while (p->gate.polls.load() < 2)
                co_await yield_now();
            co_return;
        }(&p));
        QCOMPARE(p.resumed.load(), 0); // the body did not run on the spurious wake
        {
            std::lock_guard lk(p.gate.m);
            p.gate.open = true;
        }
        p.gate.stored().wake();
        h.get();
        QCOMPARE(p.resumed.load(), 1);
        auto kinds = hooks.kinds_of(p.waiter);
        QCOMPARE(kinds, (std::vector<std::string>{"spawn", "poll", "Pending", "wake", "poll",
                                                  "Pending", "wake", "poll", "Ready"}));
    }

    void waking_a_queued_task_queues_it_once() {
        test::RecordingHooks hooks;
        Runtime rt({.workers = 1, .hooks = &hooks});
        Probe p;
        auto h = rt.spawn(waiter(&p), "waiter");
        p.waiter = h.id();
        rt.block_on([](Probe* p) -> Task<void> {
            while (!p->gate.stored())
                co_await yield_now();
            {
                std::lock_guard lk(p->gate.m);
                p->gate.open = true;
            }
            // one worker, busy with us: all three wakes land before the waiter runs
            auto w = p->gate.stored();
            w.wake_by_ref();
            w.wake_by_ref();
            w.wake();
            co_return;
        }(&p));
        h.get();
        QCOMPARE(hooks.count("wake", p.waiter), 3);
        QCOMPARE(hooks.count("poll", p.waiter), 2); // the first poll and exactly one more
    }

    void exception_crosses_co_await_and_fails_the_task() {
        test::RecordingHooks hooks;
        Runtime rt({.workers = 2, .hooks = &hooks});
        auto inner = []() -> Task<int> {
            throw std::invalid_argument("bad");
            co_return 0;
        };
        auto caught = rt.block_on([](decltype(inner) f) -> Task<bool> {
            try {
                co_await f();
            } catch (const std::invalid_argument&) {
                co_return true;
            }
            co_return false;
        }(inner));
        QVERIFY(caught);
        auto h = rt.spawn(inner(), "thrower");
        auto id = h.id();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, h.get());
        QCOMPARE(hooks.count("Failed", id), 1);
        QCOMPARE(hooks.count("fail", id), 1);
    }

    void pending_poll_reports_the_await_site() {
        test::RecordingHooks hooks;
        Runtime rt({.workers = 1, .hooks = &hooks});
        Probe p;
        auto h = rt.spawn(waiter(&p), "waiter");
        auto id = h.id(); // the handle forgets its task once joined
        while (!p.gate.stored())
            QThread::yieldCurrentThread();
        {
            std::lock_guard lk(p.gate.m);
            p.gate.open = true;
        }
        p.gate.stored().wake();
        h.get();
        std::string site;
        for (auto& e : hooks.entries())
            if (e.task == id && e.kind == "Pending")
                site = e.text;
        // the co_await line inside waiter()
        QVERIFY2(site.ends_with("test_task.cpp:46"), site.c_str());
    }

    void spawn_records_parent_and_name() {
        test::RecordingHooks hooks;
        Runtime rt({.workers = 2, .hooks = &hooks});
        TaskId child = 0;
        auto root = rt.spawn(
            [](TaskId* child) -> Task<void> {
                auto h = spawn([]() -> Task<void> { co_return; }(), "child");
                *child = h.id();
                co_await h;
            }(&child),
            "root");
        auto root_id = root.id();
        root.get();
        bool found = false;
        for (auto& e : hooks.entries())
            if (e.kind == "spawn" && e.task == child) {
                QCOMPARE(e.other, root_id);
                QCOMPARE(e.text, std::string("child"));
                found = true;
            }
        QVERIFY(found);
    }

    void task_state_transitions() {
        detail::TaskState s(2);
        using N = detail::TaskState::Notify;
        QCOMPARE(s.transition_to_running(), detail::TaskState::ToRunning::Ok);
        // woken while running: stays with the runner
        QCOMPARE(s.transition_to_notified_by_ref(), N::DoNothing);
        QCOMPARE(s.transition_to_idle(), detail::TaskState::ToIdle::Notified);
        QCOMPARE(s.transition_to_running(), detail::TaskState::ToRunning::Ok);
        QCOMPARE(s.transition_to_idle(), detail::TaskState::ToIdle::Idle); // drops a ref
        QCOMPARE(s.transition_to_notified_by_ref(), N::Submit);
        QCOMPARE(s.transition_to_notified_by_ref(), N::DoNothing); // queued once
        QVERIFY(s.is_notified());
    }
};

QTEST_APPLESS_MAIN(TestTask)
#include "test_task.moc"
