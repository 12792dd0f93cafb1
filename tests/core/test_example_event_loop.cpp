// The seed's Example 6: a non-blocking event loop fed by ten senders through a
// 1000-slot mpsc, stopped gracefully by a broadcast shutdown, on 5 workers.
#include "broadcast.h"
#include "join.h"
#include "mpsc.h"
#include "runtime.h"
#include "select.h"

#include <QtTest>

using namespace pollscope;
using namespace std::chrono_literals;

namespace {
struct Outcome {
    std::size_t count = 0;
    std::size_t receiver_count = 0;
};

// The loop of the seed: select between the next event and the shutdown signal.
// Events come first in our (biased) select, and after shutdown the loop drains
// what was sent before it, so no event is ever lost.
Task<void> main_loop(mpsc::Receiver<std::string> events, broadcast::Receiver<Unit> shutdown,
                     std::atomic<std::size_t>* count) {
    for (;;) {
        auto r = co_await select(events.recv(), shutdown.recv());
        if (r.index == 0) {
            if (!std::get<0>(r.value))
                break; // every sender gone
            count->fetch_add(1);
            continue;
        }
        note_shutdown_signal();
        while (events.try_recv())
            count->fetch_add(1);
        break;
    }
}

Task<void> send_event(mpsc::Sender<std::string> tx, int i, int per_sender) {
    for (int k = 0; k < per_sender; ++k)
        co_await tx.send("event " + std::to_string(i));
    co_await sleep(10ms);
}

Task<Outcome> run_event_loop(int senders, int per_sender) {
    auto [event_sender, event_receiver] = mpsc::channel<std::string>(1000);
    // keep the first receiver alive, as the seed's `let (shutdown_sender, _)` does
    auto [shutdown_sender, initial_receiver] = broadcast::channel<Unit>(1000);
    std::atomic<std::size_t> count{0};
    auto loop = spawn(main_loop(std::move(event_receiver), shutdown_sender.subscribe(), &count),
                      "main_loop");
    std::vector<JoinHandle<void>> handles;
    for (int i = 0; i < senders; ++i)
        handles.push_back(spawn(send_event(event_sender, i, per_sender), "sender"));
    event_sender = {}; // only the senders' clones remain
    co_await join_all(std::move(handles));
    shutdown_sender.send(Unit{});
    co_await loop;
    co_return Outcome{count.load(), shutdown_sender.receiver_count()};
}
} // namespace

class TestExampleEventLoop : public QObject {
    Q_OBJECT
private slots:
    void counts_ten_events_and_shuts_down() {
        Runtime rt({.workers = 5, .clock = Clock::make_virtual()});
        auto out = rt.block_on(run_event_loop(10, 1));
        QCOMPARE(out.count, std::size_t(10));
        QCOMPARE(out.receiver_count, std::size_t(1));
    }

    // The seed's loop can lose an event when select picks shutdown first: ours
    // must count every event sent before the shutdown, every time.
    void shutdown_under_load_loses_nothing() {
        Runtime rt({.workers = 5, .clock = Clock::make_virtual()});
        for (int rep = 0; rep < 200; ++rep) {
            auto out = rt.block_on(run_event_loop(10, 20));
            if (out.count != 200)
                QFAIL(qPrintable(
                    QString("repetition %1 counted %2 of 200 events").arg(rep).arg(out.count)));
        }
    }
};

QTEST_APPLESS_MAIN(TestExampleEventLoop)
#include "test_example_event_loop.moc"
