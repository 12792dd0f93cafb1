// What goes wrong 4: a select branch that is not cancel-safe.
//
// A producer sends 5 messages, 20 ms apart. The consumer loop selects
// between a 15 ms tick and "the next message, stored". Storing takes 8 ms.
// The mistake (fixed=0): the message branch is recv *and* store: when the
// tick wins while the branch is storing, select drops the branch, and the
// message it had already taken out of the channel is gone. Here the
// branch runs as a task of its own so you can see it: its lane ends with a
// cancel marker right after it received ("lost message"). In Rust the same
// happens to an `async { let m = rx.recv().await; store(m).await }` branch.
//
// The fix (fixed=1): select only on rx.recv(), which is cancel-safe (it
// takes a message only in the poll that returns it, as the event loop of
// Example 6 does), and store the message after the select, where no tick
// can cancel it. All 5 are stored.
#include "example_runs.h"

#include "mpsc.h"
#include "select.h"
#include "time_driver.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace pollscope::examples::detail {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kTick{15}, kStore{8}, kEvery{20};

struct Stored {
    std::vector<int> values;
    void store(int v) {
        mark("stored " + std::to_string(v));
        values.push_back(v);
    }
};

Task<void> producer(mpsc::Sender<int> tx, int count) {
    co_await sleep(milliseconds(5));
    for (int i = 0; i < count; ++i) {
        if (i)
            co_await sleep(kEvery);
        mark("sent " + std::to_string(i));
        co_await tx.send(i);
    }
}

// The mistake's branch: takes a message, then spends 8 ms storing it.
Task<bool> recv_and_store(std::shared_ptr<mpsc::Receiver<int>> rx, std::shared_ptr<Stored> out) {
    auto m = co_await rx->recv();
    if (!m)
        co_return false;    // every sender is gone
    co_await sleep(kStore); // cancelled here, the message is lost
    out->store(*m);
    co_return true;
}

Task<std::string> consumer(int count, bool fixed) {
    auto [tx, rx_owned] = mpsc::channel<int>(8, "values");
    auto rx = std::make_shared<mpsc::Receiver<int>>(std::move(rx_owned));
    auto out = std::make_shared<Stored>();
    auto producing = spawn(producer(std::move(tx), count), "producer");
    for (;;) {
        if (fixed) {
            auto r = co_await select(sleep(kTick), rx->recv()); // cancel-safe branch
            if (r.index == 0) {
                mark("tick");
                continue;
            }
            auto& m = std::get<1>(r.value);
            if (!m)
                break;
            co_await sleep(kStore); // outside the select: no tick can cancel it
            out->store(*m);
            continue;
        }
        auto branch = spawn(recv_and_store(rx, out), "recv_and_store");
        auto r = co_await select(sleep(kTick), by_ref(branch)); // MISTAKE
        if (r.index == 0) {
            mark("tick");
            branch.abort(); // the loser is dropped, whatever it holds
            try {
                co_await branch;
            } catch (const TaskCancelled&) {
            }
            continue;
        }
        if (!std::get<1>(r.value))
            break;
    }
    co_await producing;
    const int lost = count - int(out->values.size());
    co_return std::to_string(count) + " sent, " + std::to_string(out->values.size()) + " stored, " +
        std::to_string(lost) + " lost" + (lost ? " (taken by a branch the tick cancelled)" : "");
}

} // namespace

std::string run_cancel_unsafe_select(const RunSetup& setup) {
    const int count = setup.knob("messages", 5);
    const bool fixed = setup.knob("fixed", 0) != 0;
    return on_runtime(setup, 1, "consumer", [&](Runtime&) { return consumer(count, fixed); });
}

} // namespace pollscope::examples::detail
