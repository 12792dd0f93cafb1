// Example 6: a non-blocking event loop, channel safety, graceful shutdown.
//
// The seed's test_main_loop: ten senders put events into an mpsc channel of
// 1000 slots; the main loop selects between the next event and a broadcast
// shutdown signal, counting events in a Mutex-guarded counter; once every
// sender is done the shutdown signal goes out and the loop exits.
//
// Losing nothing: the signal goes out only after every sender has finished,
// and select tries events before shutdown (in order), so the shutdown branch
// wins only on an empty channel. The try_recv() drain after the signal is a
// safety net (it found 0 events in every run tried); tokio::select! picks a
// random ready branch, so a Tokio port needs `biased;` or this drain.
//
// Interactive (in the app): the loop keeps running after the start-up burst;
// "Send event" spawns more senders; "Shutdown" stops taking events, waits for
// the senders in flight, then sends the signal.
#include "example_runs.h"

#include "broadcast.h"
#include "join.h"
#include "mpsc.h"
#include "select.h"
#include "time_driver.h"
#include "unit.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace pollscope::examples::detail {
namespace {

using std::chrono::milliseconds;

// The seed's safe_count: Arc<Mutex<usize>>.
struct SafeCount {
    std::mutex mutex;
    int count = 0;
    void add(const std::string& event, const char* how) {
        mark(event + how);
        std::lock_guard lock(mutex);
        ++count;
    }
};

Task<void> main_loop(mpsc::Receiver<std::string> event_receiver,
                     broadcast::Receiver<Unit> shutdown_receiver,
                     std::shared_ptr<SafeCount> safe_count) {
    for (;;) {
        auto r = co_await select(event_receiver.recv(), shutdown_receiver.recv());
        if (r.index == 0) {
            auto& event = std::get<0>(r.value);
            if (!event)
                break; // every sender is gone
            safe_count->add(*event, " received");
            continue;
        }
        mark("task got shutdown signal");
        // Graceful: what was sent before the signal is still in the channel.
        while (auto event = event_receiver.try_recv())
            safe_count->add(*event, " received (drained)");
        break;
    }
}

// One sender: `count` events numbered from `first`, then the seed's 10 ms nap.
Task<void> send_events(mpsc::Sender<std::string> event_sender, int first, int count) {
    for (int i = first; i < first + count; ++i) {
        mark("sending event " + std::to_string(i));
        co_await event_sender.send("event " + std::to_string(i)); // waits while full
    }
    co_await sleep(milliseconds(10));
}

// Events the GUI sends while the loop runs (interactive runs only).
struct Feed {
    std::mutex mutex;
    bool closed = false;
    int next_event = 0;
    int accepted = 0;
    std::vector<JoinHandle<void>> senders;
};

struct Params {
    int senders = 10;
    int events_per_sender = 1;
    int capacity = 1000;
};

Task<std::string> test_main_loop(Params p, Runtime* rt, ExampleControl* control) {
    // Create channels for events and shutdown signals.
    auto [event_sender, event_receiver] =
        mpsc::channel<std::string>(std::size_t(p.capacity), "events");
    // The seed's `let (shutdown_sender, _)` keeps the first receiver alive.
    auto [shutdown_sender, first_receiver] = broadcast::channel<Unit>(1000, "shutdown");

    // Spawn the main event loop.
    auto safe_count = std::make_shared<SafeCount>();
    auto join_handle = spawn(
        main_loop(std::move(event_receiver), shutdown_sender.subscribe(), safe_count), "main_loop");

    // Send events, in parallel.
    std::vector<JoinHandle<void>> handles;
    for (int i = 0; i < p.senders; ++i)
        handles.push_back(
            spawn(send_events(event_sender, i * p.events_per_sender, p.events_per_sender),
                  "sender " + std::to_string(i)));
    int sent = p.senders * p.events_per_sender;

    if (control) {
        // Interactive: run until the app asks for the shutdown.
        control->add_sent(sent);
        auto feed = std::make_shared<Feed>();
        feed->next_event = sent;
        auto [request_sender, request_receiver] = mpsc::channel<Unit>(1, "requests");
        control->set_event_handler([feed, rt, event_sender](int n) {
            std::lock_guard lock(feed->mutex);
            if (feed->closed)
                return false; // too late: the shutdown has begun
            feed->senders.push_back(
                rt->spawn(send_events(event_sender, feed->next_event, n), "sender"));
            feed->next_event += n;
            feed->accepted += n;
            return true;
        });
        control->set_shutdown_handler(
            [request_sender]() mutable { (void)request_sender.try_send(Unit{}); });
        if (control->shutdown_requested())
            (void)request_sender.try_send(Unit{});
        co_await request_receiver.recv(); // until Shutdown
        mark("shutdown requested");
        std::lock_guard lock(feed->mutex);
        feed->closed = true;
        for (auto& h : feed->senders)
            handles.push_back(std::move(h));
        sent += feed->accepted;
    }

    // Wait for all events to be sent.
    co_await join_all(std::move(handles));

    // Shutdown the event loop, and wait for it to finish.
    shutdown_sender.send(Unit{});
    note_shutdown_signal();
    co_await join_handle;

    int count = 0;
    {
        std::lock_guard lock(safe_count->mutex);
        count = safe_count->count;
    }
    std::string out =
        std::to_string(sent) + " events sent, " + std::to_string(count) +
        " received; shutdown receivers left: " + std::to_string(shutdown_sender.receiver_count());
    if (count != sent)
        out += " -- EVENTS LOST";
    co_return out;
}

} // namespace

std::string run_event_loop(const RunSetup& setup) {
    const Params p{setup.knob("senders", 10), setup.knob("events", 1),
                   setup.knob("capacity", 1000)};
    return on_runtime(setup, setup.knob("workers", 5), "test_main_loop",
                      [&setup, p](Runtime& rt) { return test_main_loop(p, &rt, setup.control); });
}

} // namespace pollscope::examples::detail
