// Cooperative budget (issue 14, item 13): as with Tokio's coop, a task whose
// channel and timer futures are always ready still gives its worker back
// after about 128 operations in one poll: the leaf returns Pending, wakes the
// task at once and the forced yield is recorded as a yield on the timeline.
// One worker on the virtual clock: without the budget the other task never
// runs, which the watchdog turns into a failure.
#include "broadcast.h"
#include "coop.h"
#include "mpsc.h"
#include "recording_hooks.h"
#include "runtime.h"
#include "select.h"
#include "time_driver.h"
#include "watchdog.h"
#include "yield_now.h"

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <memory>

using namespace pollscope;
using namespace std::chrono_literals;
using pollscope::test::finishes_within;
using pollscope::test::RecordingHooks;

namespace {

struct Outcome {
    std::atomic<bool> stop{false};
    std::atomic<long> iterations{0};
    std::atomic<long> iterations_when_stopped{-1};
    TaskId spinner = 0;
};

// Runs `spinner` (which loops until o->stop) and a second task that sets stop,
// both on one worker; returns whether the pair finished.
template <class Spin> bool spinner_lets_others_run(RecordingHooks& hooks, Outcome& o, Spin spin) {
    return finishes_within(20s, [&hooks, &o, spin] {
        Runtime rt(RuntimeOptions{.workers = 1, .hooks = &hooks, .clock = Clock::make_virtual()});
        rt.block_on([](Outcome* o, Spin spin) -> Task<void> {
            auto spinner = spawn(spin(o), "spinner");
            o->spinner = spinner.id();
            auto stopper = spawn([](Outcome* o) -> Task<void> {
                while (o->iterations.load() == 0) // let the spinner start first
                    co_await yield_now();
                o->iterations_when_stopped = o->iterations.load();
                o->stop = true;
            }(o));
            co_await stopper;
            co_await spinner;
        }(&o, spin));
    });
}

} // namespace

class TestCoopBudget : public QObject {
    Q_OBJECT
private slots:
    // The case: broadcast send + recv inside a select with yield_now.
    // recv is always ready, so yield_now is never polled and never yields.
    void broadcast_loop_in_select_gives_the_worker_back() {
        RecordingHooks hooks;
        Outcome o;
        bool finished = spinner_lets_others_run(hooks, o, [](Outcome* o) -> Task<void> {
            auto [tx, rx] = broadcast::channel<int>(16);
            while (!o->stop) {
                tx.send(1);
                co_await select(rx.recv(), yield_now());
                ++o->iterations;
            }
        });
        QVERIFY2(finished, "the spinning task never gave its worker back");
        QVERIFY(o.iterations_when_stopped.load() >= 0);
        // the stopper ran after at most one budget's worth of iterations
        QVERIFY(o.iterations_when_stopped.load() <= coop::kBudget + 1);
        QVERIFY(hooks.count("yield", o.spinner) >= 1);
    }

    // No yield_now at all: the leaf futures alone must yield, visibly.
    void mpsc_loop_yields_after_the_budget_and_records_it() {
        RecordingHooks hooks;
        Outcome o;
        bool finished = spinner_lets_others_run(hooks, o, [](Outcome* o) -> Task<void> {
            auto [tx, rx] = mpsc::channel<int>(4);
            while (!o->stop) {
                co_await tx.send(1);
                co_await rx.recv();
                ++o->iterations;
            }
        });
        QVERIFY2(finished, "the spinning task never gave its worker back");
        // send + recv: two operations per iteration
        QVERIFY(o.iterations_when_stopped.load() >= coop::kBudget / 2 - 1);
        QVERIFY(o.iterations_when_stopped.load() <= coop::kBudget / 2 + 1);
        QCOMPARE(hooks.count("yield", o.spinner), 1);
        auto kinds = hooks.kinds_of(o.spinner);
        // the forced yield sits inside a poll that ends Pending
        auto y = std::find(kinds.begin(), kinds.end(), "yield");
        QVERIFY(y != kinds.end());
        QVERIFY(std::find(y, kinds.end(), "Pending") != kinds.end());
    }

    void zero_sleeps_yield_too() {
        RecordingHooks hooks;
        Outcome o;
        bool finished = spinner_lets_others_run(hooks, o, [](Outcome* o) -> Task<void> {
            while (!o->stop) {
                co_await sleep(0ms);
                ++o->iterations;
            }
        });
        QVERIFY2(finished, "the spinning task never gave its worker back");
        QVERIFY(o.iterations_when_stopped.load() <= coop::kBudget + 1);
        QVERIFY(hooks.count("yield", o.spinner) >= 1);
    }

    // A select over many futures that are all Pending uses no budget: only
    // completed operations count, so it never busy-loops on forced yields.
    void pending_polls_use_no_budget() {
        RecordingHooks hooks;
        bool ok = false;
        bool finished = finishes_within(20s, [&hooks, &ok] {
            Runtime rt(
                RuntimeOptions{.workers = 1, .hooks = &hooks, .clock = Clock::make_virtual()});
            ok = rt.block_on([]() -> Task<bool> {
                auto [tx, rx] = mpsc::channel<int>(1);
                std::vector<mpsc::Receiver<int>> idle;
                std::vector<mpsc::Sender<int>> keep;
                for (int i = 0; i < 3 * coop::kBudget; ++i) {
                    auto [t, r] = mpsc::channel<int>(1);
                    keep.push_back(std::move(t));
                    idle.push_back(std::move(r));
                }
                // one poll: 384 pending recvs, then a sleep that must still arm
                struct AllPending {
                    std::vector<mpsc::Receiver<int>>* rs;
                    Poll<void> poll(Context& cx) {
                        for (auto& r : *rs) {
                            auto f = r.recv();
                            if (f.poll(cx).is_ready())
                                return Ready();
                        }
                        return Pending;
                    }
                };
                auto won = co_await select(AllPending{&idle}, sleep(5ms));
                co_return won.index == 1 && now() == Instant(5ms);
            }());
        });
        QVERIFY(finished);
        QVERIFY(ok);
    }
};

QTEST_GUILESS_MAIN(TestCoopBudget)
#include "test_coop_budget.moc"
