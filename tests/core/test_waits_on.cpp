// What a Pending poll waits on: every leaf future of the core notes the
// resource it registered the task's waker with, and the executor hands it to
// Hooks::on_poll_end. Also: a JoinHandle's completion wakes the joiner from
// the finished task. All on the virtual clock.
#include "async_mutex.h"
#include "broadcast.h"
#include "join.h"
#include "local_set.h"
#include "mpsc.h"
#include "oneshot.h"
#include "recording_hooks.h"
#include "runtime.h"
#include "select.h"
#include "stream.h"
#include "timer_future.h"
#include "yield_now.h"

#include <QtTest>

#include <chrono>

using namespace pollscope;
using namespace std::chrono_literals;
using pollscope::test::RecordingHooks;

namespace {

/// Id of the task spawned with this name (0 if none).
TaskId task_named(const RecordingHooks& h, const std::string& name) {
    for (const auto& e : h.entries())
        if (e.kind == "spawn" && e.text == name)
            return e.task;
    return 0;
}

/// Runs `make()` as a task named "subject" on a virtual-clock runtime and
/// returns its Pending polls.
template <class Make> std::vector<RecordingHooks::Entry> pendings_of_subject(Make make) {
    RecordingHooks hooks;
    {
        Runtime rt({.workers = 1, .hooks = &hooks, .clock = Clock::make_virtual()});
        rt.block_on([](Make make) -> Task<void> { co_await spawn(make(), "subject"); }(make));
    }
    return hooks.pendings_of(task_named(hooks, "subject"));
}

/// A future the core does not know: Pending once (waking itself), then Ready.
struct OpaqueFuture {
    bool polled = false;
    Poll<void> poll(Context& cx) {
        if (polled)
            return Ready();
        polled = true;
        cx.waker().wake_by_ref();
        return Pending;
    }
};

} // namespace

class TestWaitsOn : public QObject {
    Q_OBJECT
private slots:
    void sleepNotesItsDeadline() {
        // On the virtual clock, which starts at 0: the deadline is 100 ms.
        auto p = pendings_of_subject([]() -> Task<void> { co_await sleep(100ms); });
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::Sleep);
        QVERIFY(p[0].waits_id != 0);
        QCOMPARE(p[0].waits_param, std::int64_t(std::chrono::nanoseconds(100ms).count()));
    }

    void sleepIsWokenByTheTimer() {
        RecordingHooks hooks;
        {
            Runtime rt({.workers = 2, .hooks = &hooks, .clock = Clock::make_virtual()});
            rt.block_on([]() -> Task<void> {
                co_await spawn([]() -> Task<void> { co_await sleep(7ms); }(), "subject");
            }());
        }
        const TaskId subject = task_named(hooks, "subject");
        int wakes = 0;
        for (const auto& e : hooks.entries())
            if (e.kind == "wake" && e.task == subject) {
                QCOMPARE(e.text, std::string("timer"));
                QCOMPARE(e.other, TaskId(0));
                ++wakes;
            }
        QCOMPARE(wakes, 1);
    }

    void eachSleepIsItsOwnResource() {
        auto p = pendings_of_subject([]() -> Task<void> {
            co_await sleep(10ms);
            co_await sleep(20ms);
        });
        QCOMPARE(p.size(), std::size_t(2));
        QVERIFY(p[0].waits_id != p[1].waits_id);
        QCOMPARE(p[0].waits_param, std::int64_t(std::chrono::nanoseconds(10ms).count()));
        QCOMPARE(p[1].waits_param, std::int64_t(std::chrono::nanoseconds(30ms).count()));
    }

    void timerFuture() {
        RecordingHooks hooks;
        {
            auto clock = Clock::make_virtual();
            Runtime rt({.workers = 1, .hooks = &hooks, .clock = clock});
            rt.block_on([](std::shared_ptr<Clock> clock) -> Task<void> {
                co_await spawn(
                    [](std::shared_ptr<Clock> clock) -> Task<void> {
                        co_await TimerFuture(5ms, clock);
                    }(clock),
                    "subject");
            }(clock));
        }
        auto p = hooks.pendings_of(task_named(hooks, "subject"));
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::TimerFuture);
        QVERIFY(p[0].waits_id != 0);
    }

    void mpscRecvOnEmptyNamedChannel() {
        auto p = pendings_of_subject([]() -> Task<void> {
            auto [tx, rx] = mpsc::channel<int>(4, "events");
            auto helper = spawn([](mpsc::Sender<int> tx) -> Task<void> {
                co_await sleep(1ms);
                co_await tx.send(1);
            }(std::move(tx)));
            co_await rx.recv();
        });
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::MpscRecv);
        QCOMPARE(p[0].waits_name, std::string("events"));
        QCOMPARE(p[0].waits_param, std::int64_t(4));
    }

    void mpscSendOnFullChannel() {
        auto p = pendings_of_subject([]() -> Task<void> {
            auto [tx, rx] = mpsc::channel<int>(1, "jobs");
            co_await tx.send(1);
            auto helper = spawn([](mpsc::Receiver<int> rx) -> Task<void> {
                co_await sleep(1ms);
                co_await rx.recv();
                co_await rx.recv();
            }(std::move(rx)));
            co_await tx.send(2); // full: waits for the receiver
        });
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::MpscSend);
        QCOMPARE(p[0].waits_name, std::string("jobs"));
    }

    void broadcastRecv() {
        auto p = pendings_of_subject([]() -> Task<void> {
            auto [tx, rx] = broadcast::channel<int>(4, "shutdown");
            auto helper = spawn([](broadcast::Sender<int> tx) -> Task<void> {
                co_await sleep(1ms);
                tx.send(1);
            }(std::move(tx)));
            co_await rx.recv();
        });
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::BroadcastRecv);
        QCOMPARE(p[0].waits_name, std::string("shutdown"));
    }

    void oneshotRecv() {
        auto p = pendings_of_subject([]() -> Task<void> {
            auto [tx, rx] = oneshot::channel<int>("reply");
            auto helper = spawn([](oneshot::Sender<int> tx) -> Task<void> {
                co_await sleep(1ms);
                tx.send(1);
            }(std::move(tx)));
            co_await std::move(rx);
        });
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::OneshotRecv);
        QCOMPARE(p[0].waits_name, std::string("reply"));
    }

    void joinHandleNamesTheTaskAndIsWokenByIt() {
        RecordingHooks hooks;
        {
            Runtime rt({.workers = 1, .hooks = &hooks, .clock = Clock::make_virtual()});
            rt.block_on([]() -> Task<void> {
                co_await spawn(
                    []() -> Task<void> {
                        auto h = spawn([]() -> Task<void> { co_await sleep(3ms); }(), "child");
                        co_await h;
                    }(),
                    "subject");
            }());
        }
        const TaskId subject = task_named(hooks, "subject");
        const TaskId child = task_named(hooks, "child");
        auto p = hooks.pendings_of(subject);
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::JoinHandle);
        QCOMPARE(p[0].waits_param, std::int64_t(child));
        // The subject's wake comes from the child finishing, not from "no task".
        int from_child = 0;
        for (const auto& e : hooks.entries())
            if (e.kind == "wake" && e.task == subject) {
                QCOMPARE(e.other, child);
                ++from_child;
            }
        QCOMPARE(from_child, 1);
    }

    void selectNotesItsFirstPendingBranch() {
        auto p = pendings_of_subject([]() -> Task<void> {
            auto [tx, rx] = mpsc::channel<int>(1, "never");
            co_await select(sleep(5ms), rx.recv());
        });
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::Sleep);
    }

    void joinNotesItsFirstPendingPart() {
        auto p = pendings_of_subject([]() -> Task<void> {
            auto [tx, rx] = mpsc::channel<int>(1, "late");
            auto helper = spawn([](mpsc::Sender<int> tx) -> Task<void> {
                co_await sleep(2ms);
                co_await tx.send(1);
            }(std::move(tx)));
            co_await join(yield_now(), rx.recv());
        });
        QVERIFY(!p.empty());
        QCOMPARE(p[0].waits_kind, ResourceKind::Yield); // yield is polled first
        QCOMPARE(p.back().waits_kind, ResourceKind::MpscRecv);
        QCOMPARE(p.back().waits_name, std::string("late"));
    }

    void yieldNow() {
        auto p = pendings_of_subject([]() -> Task<void> { co_await yield_now(); });
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::Yield);
    }

    void streamNextNamesWhatItsBodyAwaits() {
        auto p = pendings_of_subject([]() -> Task<void> {
            auto s = []() -> Stream<int> {
                co_await sleep(4ms);
                co_yield 1;
            }();
            while (co_await s.next()) {
            }
        });
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::Sleep);
    }

    void asyncMutexLock() {
        auto p = pendings_of_subject([]() -> Task<void> {
            auto m = std::make_shared<Mutex<int>>(0);
            auto holder = spawn(
                [](std::shared_ptr<Mutex<int>> m) -> Task<void> {
                    auto g = co_await m->lock();
                    co_await sleep(3ms);
                }(m),
                "holder");
            co_await sleep(1ms); // the holder has the lock now
            auto g = co_await m->lock();
            co_await holder;
        });
        QVERIFY(p.size() >= 2);
        QCOMPARE(p[1].waits_kind, ResourceKind::Mutex);
    }

    void awaitedLocalSet() {
        auto p = pendings_of_subject([]() -> Task<void> {
            LocalSet set;
            auto h = set.spawn_local([]() -> Task<void> { co_await sleep(2ms); }(), "local");
            co_await set;
        });
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::LocalSet);
    }

    void unknownFutureNotesNothing() {
        auto p = pendings_of_subject([]() -> Task<void> { co_await OpaqueFuture{}; });
        QCOMPARE(p.size(), std::size_t(1));
        QCOMPARE(p[0].waits_kind, ResourceKind::Unknown);
        QCOMPARE(p[0].waits_id, ResourceId(0));
    }

    void aStaleNoteDoesNotLeakIntoALaterPoll() {
        // A select whose first branch noted a sleep but whose second was
        // Ready; the next Pending is an unknown future: it must say unknown.
        auto p = pendings_of_subject([]() -> Task<void> {
            co_await select(sleep(5ms), yield_now());
            co_await OpaqueFuture{};
        });
        QVERIFY(!p.empty());
        QCOMPARE(p.back().waits_kind, ResourceKind::Unknown);
    }
};

QTEST_GUILESS_MAIN(TestWaitsOn)
#include "test_waits_on.moc"
