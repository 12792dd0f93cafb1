// What goes wrong 6: a task per event, with nothing bounding them.
//
// Events arrive every 1 ms; handling one takes 4 ms of a shared resource
// (a database connection behind an async Mutex). The mistake (fixed=0):
// spawn a task per event. Nothing pushes back, so tasks pile up: after
// 500 events some 375 are alive at once, all queued on the connection,
// each holding its memory ("task flood").
//
// The fix (fixed=1): a bounded mpsc channel (8 slots) and one consumer.
// When the channel is full the sender waits (Pending at send: backpressure
// you can see on its lane), so the events are taken no faster than they
// are handled, and only two tasks exist however many events come.
#include "example_runs.h"

#include "async_mutex.h"
#include "join.h"
#include "mpsc.h"
#include "time_driver.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace pollscope::examples::detail {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kEvery{1}, kHandle{4};

struct Db {
    Mutex<int> connection; // handled events
    std::atomic<int> alive{0}, peak{0};
};

Task<void> handle(std::shared_ptr<Db> db) {
    const int n = ++db->alive;
    int peak = db->peak.load();
    while (n > peak && !db->peak.compare_exchange_weak(peak, n)) {
    }
    {
        auto conn = co_await db->connection.lock();
        co_await sleep(kHandle);
        ++*conn;
    }
    --db->alive;
}

Task<void> spawn_per_event(std::shared_ptr<Db> db, int events) {
    std::vector<JoinHandle<void>> handlers;
    for (int i = 0; i < events; ++i) {
        co_await sleep(kEvery);                           // the next event arrives
        handlers.push_back(spawn(handle(db), "handler")); // MISTAKE: nothing bounds them
    }
    co_await join_all(std::move(handlers));
}

Task<void> consume(std::shared_ptr<Db> db, mpsc::Receiver<int> rx) {
    while (auto event = co_await rx.recv()) {
        auto conn = co_await db->connection.lock();
        co_await sleep(kHandle);
        ++*conn;
    }
}

Task<void> send_bounded(std::shared_ptr<Db> db, int events) {
    auto [tx, rx] = mpsc::channel<int>(8, "events");
    auto consumer = spawn(consume(db, std::move(rx)), "consumer");
    db->peak = 1;
    for (int i = 0; i < events; ++i) {
        co_await sleep(kEvery);
        co_await tx.send(i); // waits while the channel is full: backpressure
    }
    { auto drop = std::move(tx); } // the consumer ends once the channel is empty
    co_await consumer;
}

Task<std::string> events_arrive(int events, bool fixed) {
    const Instant started = now();
    auto db = std::make_shared<Db>();
    if (fixed)
        co_await spawn(send_bounded(db, events), "producer");
    else
        co_await spawn(spawn_per_event(db, events), "producer");
    const auto took = std::chrono::duration_cast<milliseconds>(now() - started).count();
    auto conn = db->connection.try_lock();
    co_return std::to_string(conn ? **conn : -1) + " events handled after " + std::to_string(took) +
        " ms; at most " + std::to_string(db->peak.load()) +
        (fixed ? " consumer task (bounded channel)" : " handler tasks alive at once");
}

} // namespace

std::string run_unbounded_spawn(const RunSetup& setup) {
    const int events = setup.knob("events", 500);
    const bool fixed = setup.knob("fixed", 0) != 0;
    return on_runtime(setup, 1, "events_arrive",
                      [&](Runtime&) { return events_arrive(events, fixed); });
}

} // namespace pollscope::examples::detail
