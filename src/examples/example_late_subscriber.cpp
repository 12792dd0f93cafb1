// What goes wrong 5: subscribing to the shutdown broadcast too late.
//
// Two loops wait for work (an mpsc nobody sends to here) or the shutdown
// broadcast. A broadcast receiver only sees values sent after it
// subscribed. The mistake (fixed=0): loop_b subscribes inside its own body,
// and main sends the shutdown before loop_b has run at all (one worker:
// main is still running). loop_a stops; loop_b never hears the signal and
// never stops: that hang is the lesson. Main gives up on it after
// `give_up` ms and aborts it ("stuck").
//
// The fix (fixed=1): subscribe before spawning: spawn(loop(tx.subscribe())).
// One broadcast, two receivers: both loops get the same signal and stop.
// No cancellation token is needed (the article's parting advice).
#include "example_runs.h"

#include "broadcast.h"
#include "mpsc.h"
#include "select.h"
#include "time_driver.h"
#include "unit.h"

#include <chrono>
#include <memory>
#include <string>

namespace pollscope::examples::detail {
namespace {

using std::chrono::milliseconds;

Task<void> work_loop(std::string name, broadcast::Receiver<Unit> shutdown,
                     std::shared_ptr<mpsc::Receiver<int>> work) {
    for (;;) {
        auto r = co_await select(shutdown.recv(), work->recv());
        if (r.index == 0)
            break;
        mark(name + " did some work");
    }
    mark(name + " got the shutdown signal");
}

// The mistake: subscribes when it first runs, which may be after the signal.
Task<void> late_loop(std::string name, broadcast::Sender<Unit> tx,
                     std::shared_ptr<mpsc::Receiver<int>> work) {
    auto shutdown = tx.subscribe(); // MISTAKE: too late if the signal went out already
    co_await work_loop(std::move(name), std::move(shutdown), std::move(work));
}

Task<std::string> two_loops(milliseconds give_up, bool fixed) {
    auto [shutdown_tx, first_rx] = broadcast::channel<Unit>(16, "shutdown");
    auto [work_tx, work_a] = mpsc::channel<int>(16, "work a"); // kept open: the loops idle
    auto [work_tx_b, work_b] = mpsc::channel<int>(16, "work b");
    auto loop_a = spawn(work_loop("loop_a", shutdown_tx.subscribe(),
                                  std::make_shared<mpsc::Receiver<int>>(std::move(work_a))),
                        "loop_a");
    auto rx_b = std::make_shared<mpsc::Receiver<int>>(std::move(work_b));
    auto loop_b = fixed ? spawn(work_loop("loop_b", shutdown_tx.subscribe(), rx_b), "loop_b")
                        : spawn(late_loop("loop_b", shutdown_tx, rx_b), "loop_b");
    shutdown_tx.send(Unit{}); // loop_b has not run yet: one worker, and it is ours
    note_shutdown_signal();
    co_await loop_a;
    auto r = co_await select(by_ref(loop_b), sleep(give_up));
    if (r.index == 0)
        co_return "both loops ended on the one signal";
    mark("loop_b never ended: aborting it");
    loop_b.abort();
    try {
        co_await loop_b;
    } catch (const TaskCancelled&) {
    }
    co_return "loop_a ended; loop_b subscribed after the signal and never ended: aborted after " +
        std::to_string(give_up.count()) + " ms";
}

} // namespace

std::string run_late_subscriber(const RunSetup& setup) {
    const milliseconds give_up(setup.knob("give_up", 1000));
    const bool fixed = setup.knob("fixed", 0) != 0;
    return on_runtime(setup, 1, "two_loops", [&](Runtime&) { return two_loops(give_up, fixed); });
}

} // namespace pollscope::examples::detail
