// mpsc send futures are cancel-safe (issue 14, item 14), as in Tokio: a send
// future destroyed before it returned Ready sent nothing, even when the
// receiver had already made room for it; the room goes to the next waiting
// sender, in order.
#include "manual_poll.h"
#include "mpsc.h"
#include "runtime.h"
#include "select.h"
#include "time_driver.h"

#include <QtTest>

#include <memory>
#include <numeric>
#include <optional>
#include <vector>

using namespace pollscope;
using namespace std::chrono_literals;
using pollscope::test::CountingWaker;
using pollscope::test::poll_once;

class TestMpscSendCancel : public QObject {
    Q_OBJECT
private slots:
    void destroyed_after_room_was_made_sends_nothing() {
        auto [tx, rx] = mpsc::channel<int>(1);
        QCOMPARE(tx.try_send(1), mpsc::TrySendResult::Sent);
        CountingWaker w;
        auto send = std::make_optional(tx.send(2));
        QVERIFY(poll_once(*send, w).is_pending()); // waits: the channel is full
        QCOMPARE(*rx.try_recv(), 1);               // room for the waiting send
        QCOMPARE(w.wakes(), 1);
        send.reset(); // lost a select before it was polled again
        QVERIFY(rx.try_recv().is_empty());
        QCOMPARE(rx.len(), std::size_t(0));
        // the room it was given is free again
        QCOMPARE(tx.try_send(3), mpsc::TrySendResult::Sent);
        QCOMPARE(*rx.try_recv(), 3);
    }

    void the_room_passes_to_the_next_waiting_sender() {
        auto [tx, rx] = mpsc::channel<int>(1);
        QCOMPARE(tx.try_send(1), mpsc::TrySendResult::Sent);
        CountingWaker w1, w2;
        auto first = std::make_optional(tx.send(2));
        auto second = tx.send(3);
        QVERIFY(poll_once(*first, w1).is_pending());
        QVERIFY(poll_once(second, w2).is_pending());
        QCOMPARE(*rx.try_recv(), 1);
        QCOMPARE(w1.wakes(), 1);
        QCOMPARE(w2.wakes(), 0);
        // FIFO: a newcomer cannot take the room reserved for the first sender
        QCOMPARE(tx.try_send(9), mpsc::TrySendResult::Full);
        first.reset();
        QCOMPARE(w2.wakes(), 1);
        auto p = poll_once(second, w2);
        QVERIFY(p.is_ready());
        QVERIFY(p.value());
        QCOMPARE(*rx.try_recv(), 3);
        QVERIFY(rx.try_recv().is_empty());
    }

    void a_granted_send_completes_when_polled() {
        auto [tx, rx] = mpsc::channel<int>(1);
        QCOMPARE(tx.try_send(1), mpsc::TrySendResult::Sent);
        CountingWaker w, rw;
        auto send = tx.send(2);
        QVERIFY(poll_once(send, w).is_pending());
        auto recv = rx.recv();
        QCOMPARE(*poll_once(recv, rw).value(), 1);
        auto recv2 = rx.recv();
        QVERIFY(poll_once(recv2, rw).is_pending()); // the value is still with the sender
        auto p = poll_once(send, w);
        QVERIFY(p.is_ready() && p.value());
        QCOMPARE(rw.wakes(), 1);
        QCOMPARE(*poll_once(recv2, rw).value(), 2);
    }

    // The event loop's pattern: select a send against a timeout; every send
    // that lost is retried, so the receiver sees each value exactly once.
    void select_over_send_loses_and_duplicates_nothing() {
        Runtime rt(RuntimeOptions{.workers = 1, .clock = Clock::make_virtual()});
        auto got = rt.block_on([]() -> Task<std::vector<int>> {
            auto [tx, rx] = mpsc::channel<int>(1);
            auto consumer = spawn([](mpsc::Receiver<int> rx) -> Task<std::vector<int>> {
                std::vector<int> seen;
                while (auto v = co_await rx.recv()) {
                    seen.push_back(*v);
                    co_await sleep(3ms); // slower than the producer's timeout
                }
                co_return seen;
            }(std::move(rx)));
            for (int i = 0; i < 20; ++i)
                for (;;) {
                    auto r = co_await select(tx.send(i), sleep(2ms));
                    if (r.index == 0)
                        break;
                }
            tx = {};
            co_return co_await consumer;
        }());
        std::vector<int> want(20);
        std::iota(want.begin(), want.end(), 0);
        QCOMPARE(got, want);
    }
};

QTEST_GUILESS_MAIN(TestMpscSendCancel)
#include "test_mpsc_send_cancel.moc"
