// Aborting a local task from another thread (issue 14, item 11), as in Tokio:
// the task's future is destroyed on the set's own thread (it may hold data
// that is not thread-safe), and the set is woken so `co_await local_set`
// completes.
#include "gate.h"
#include "local_set.h"
#include "manual_poll.h"

#include <QtTest>

#include <memory>
#include <thread>

using namespace pollscope;
using pollscope::test::CountingWaker;
using pollscope::test::Gate;
using pollscope::test::poll_once;

namespace {
struct ThreadOfDestruction {
    std::shared_ptr<std::thread::id> where;
    explicit ThreadOfDestruction(std::shared_ptr<std::thread::id> w)
        : where(std::move(w)) {}
    ThreadOfDestruction(ThreadOfDestruction&&) noexcept = default;
    ~ThreadOfDestruction() {
        if (where)
            *where = std::this_thread::get_id();
    }
};

Task<void> wait_forever(ThreadOfDestruction probe, Gate::Wait never) {
    co_await never;
    (void)probe;
}
} // namespace

class TestLocalSetAbort : public QObject {
    Q_OBJECT
private slots:
    void abort_from_another_thread_runs_on_the_set_and_wakes_it() {
        LocalSet set;
        Gate gate;
        auto where = std::make_shared<std::thread::id>();
        auto handle = set.spawn_local(wait_forever(ThreadOfDestruction(where), gate.wait()));
        CountingWaker outer;
        QVERIFY(poll_once(set, outer).is_pending()); // the task waits on the gate
        QCOMPARE(set.live_tasks(), std::size_t(1));

        std::thread::id aborter;
        std::thread([&] {
            aborter = std::this_thread::get_id();
            handle.abort();
        }).join();
        QVERIFY2(*where != aborter, "the local future was destroyed on the aborting thread");
        QVERIFY2(outer.wakes() >= 1, "the abort did not wake the set");

        QVERIFY(poll_once(set, outer).is_ready()); // `co_await local_set` completes
        QCOMPARE(*where, std::this_thread::get_id());
        QVERIFY(handle.is_finished());
    }
};

QTEST_APPLESS_MAIN(TestLocalSetAbort)
#include "test_local_set_abort.moc"
