// mpsc: bounded, FIFO waiting senders, Full/Closed, end of stream, cancel
// safety of recv and send futures, hooks, and a 4-thread stress test.
#include "block_on.h"
#include "hooks.h"
#include "manual_poll.h"
#include "mpsc.h"
#include "select.h"
#include "yield_now.h"

#include <QtTest>

#include <memory>
#include <optional>
#include <thread>
#include <vector>

using namespace pollscope;
using pollscope::test::CountingWaker;
using pollscope::test::poll_once;

namespace {
struct ChannelHooks : Hooks {
    int sends = 0, recvs = 0;
    const void* channel = nullptr;
    void on_channel_send(ChannelKind k, const void* c) override {
        if (k == ChannelKind::Mpsc)
            ++sends;
        channel = c;
    }
    void on_channel_recv(ChannelKind k, const void* c) override {
        if (k == ChannelKind::Mpsc)
            ++recvs;
        QCOMPARE(c, channel);
    }
};

template <class T> std::optional<T> recv_now(mpsc::Receiver<T>& rx) {
    auto f = rx.recv();
    auto p = poll_once(f);
    if (p.is_pending())
        throw std::runtime_error("recv was pending");
    return p.take();
}
} // namespace

class TestMpsc : public QObject {
    Q_OBJECT
private slots:
    void zeroCapacityIsRejected() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)mpsc::channel<int>(0));
    }

    void trySendFullAndClosedKeepTheValue() {
        auto [tx, rx] = mpsc::channel<std::unique_ptr<int>>(2);
        QCOMPARE(tx.try_send(std::make_unique<int>(1)), mpsc::TrySendResult::Sent);
        QCOMPARE(tx.try_send(std::make_unique<int>(2)), mpsc::TrySendResult::Sent);
        auto third = std::make_unique<int>(3);
        QCOMPARE(tx.try_send(std::move(third)), mpsc::TrySendResult::Full);
        QVERIFY(third && *third == 3); // not moved from
        QCOMPARE(rx.len(), std::size_t(2));
        { auto gone = std::move(rx); }
        QVERIFY(tx.is_closed());
        QCOMPARE(tx.try_send(std::move(third)), mpsc::TrySendResult::Closed);
        QVERIFY(third && *third == 3);
    }

    void valuesInOrderThenNulloptAfterAllSendersGone() {
        auto [tx, rx] = mpsc::channel<int>(8);
        auto tx2 = tx;
        QCOMPARE(tx.try_send(1), mpsc::TrySendResult::Sent);
        QCOMPARE(tx2.try_send(2), mpsc::TrySendResult::Sent);
        { auto gone = std::move(tx); }
        QCOMPARE(recv_now(rx), std::optional<int>(1));
        CountingWaker w;
        auto r2 = rx.recv();
        QCOMPARE(poll_once(r2, w).take(), std::optional<int>(2));
        auto r3 = rx.recv();
        QVERIFY(poll_once(r3, w).is_pending()); // tx2 still alive
        { auto gone = std::move(tx2); }
        QCOMPARE(w.wakes(), 1);
        QCOMPARE(poll_once(r3, w).take(), std::optional<int>());
        auto tr = rx.try_recv();
        QVERIFY(!tr);
        QVERIFY(tr.is_disconnected());
    }

    void recvStoresOneWakerAndIsWokenOnce() {
        auto [tx, rx] = mpsc::channel<int>(4);
        CountingWaker w;
        auto r = rx.recv();
        QVERIFY(poll_once(r, w).is_pending());
        QVERIFY(poll_once(r, w).is_pending());
        QCOMPARE(w.stored(), 1);
        QCOMPARE(tx.try_send(5), mpsc::TrySendResult::Sent);
        QCOMPARE(tx.try_send(6), mpsc::TrySendResult::Sent); // nobody waits now: no wake
        QCOMPARE(w.wakes(), 1);
        QCOMPARE(w.stored(), 0);
        QCOMPARE(poll_once(r, w).take(), std::optional<int>(5));
        QVERIFY(rx.try_recv().is_empty() == false);
    }

    void sendWaitsWhileFullAndSendersAreServedFifo() {
        auto [tx, rx] = mpsc::channel<int>(1);
        QCOMPARE(tx.try_send(0), mpsc::TrySendResult::Sent);
        CountingWaker wa, wb, wc;
        auto a = tx.send(1);
        auto b = tx.send(2);
        auto c = tx.send(3);
        QVERIFY(poll_once(a, wa).is_pending());
        QVERIFY(poll_once(b, wb).is_pending());
        QVERIFY(poll_once(c, wc).is_pending());
        // Waiting senders hold the queue: try_send cannot jump it.
        QCOMPARE(tx.try_send(99), mpsc::TrySendResult::Full);

        QCOMPARE(recv_now(rx), std::optional<int>(0));
        QCOMPARE(wa.wakes(), 1);
        QCOMPARE(wb.wakes(), 0);
        QCOMPARE(wc.wakes(), 0);
        QCOMPARE(tx.try_send(99), mpsc::TrySendResult::Full); // the slot is a's now
        // a's value goes in when a is polled (cancel safety: see test_mpsc_send_cancel)
        QCOMPARE(poll_once(a, wa).take(), true);

        QCOMPARE(recv_now(rx), std::optional<int>(1));
        QCOMPARE(wb.wakes(), 1);
        QCOMPARE(wc.wakes(), 0);
        QCOMPARE(poll_once(b, wb).take(), true);
        QCOMPARE(recv_now(rx), std::optional<int>(2));
        QCOMPARE(wc.wakes(), 1);
        QCOMPARE(poll_once(c, wc).take(), true);
        QCOMPARE(recv_now(rx), std::optional<int>(3));
        QCOMPARE(wa.stored() + wb.stored() + wc.stored(), 0);
    }

    void droppedWaitingSendUnregisters() {
        auto [tx, rx] = mpsc::channel<int>(1);
        QCOMPARE(tx.try_send(0), mpsc::TrySendResult::Sent);
        CountingWaker wa, wb;
        auto b = tx.send(2);
        {
            auto a = tx.send(1);
            QVERIFY(poll_once(a, wa).is_pending());
            QVERIFY(poll_once(b, wb).is_pending());
            QCOMPARE(wa.stored(), 1);
        }
        QCOMPARE(wa.stored(), 0); // no dangling registration
        QCOMPARE(recv_now(rx), std::optional<int>(0));
        QCOMPARE(wa.wakes(), 0);
        QCOMPARE(wb.wakes(), 1);
        QCOMPARE(poll_once(b, wb).take(), true);
        QCOMPARE(recv_now(rx), std::optional<int>(2)); // 1 was never sent
    }

    void movedWaitingSendStaysQueued() {
        auto [tx, rx] = mpsc::channel<int>(1);
        QCOMPARE(tx.try_send(0), mpsc::TrySendResult::Sent);
        CountingWaker w;
        std::optional<mpsc::SendFuture<int>> a(tx.send(1));
        QVERIFY(poll_once(*a, w).is_pending());
        mpsc::SendFuture<int> moved(std::move(*a));
        a.reset();
        QCOMPARE(recv_now(rx), std::optional<int>(0));
        QCOMPARE(w.wakes(), 1);
        QCOMPARE(poll_once(moved, w).take(), true);
        QCOMPARE(recv_now(rx), std::optional<int>(1));
    }

    void receiverDropFailsWaitingSenders() {
        auto [tx, rx] = mpsc::channel<int>(1);
        QCOMPARE(tx.try_send(0), mpsc::TrySendResult::Sent);
        CountingWaker w;
        auto a = tx.send(1);
        QVERIFY(poll_once(a, w).is_pending());
        { auto gone = std::move(rx); }
        QCOMPARE(w.wakes(), 1);
        QCOMPARE(poll_once(a, w).take(), false);
        auto b = tx.send(2);
        QCOMPARE(poll_once(b).take(), false);
    }

    void closeDrainsThenEnds() {
        auto [tx, rx] = mpsc::channel<int>(4);
        QCOMPARE(tx.try_send(1), mpsc::TrySendResult::Sent);
        QCOMPARE(tx.try_send(2), mpsc::TrySendResult::Sent);
        rx.close();
        QCOMPARE(tx.try_send(3), mpsc::TrySendResult::Closed);
        QCOMPARE(recv_now(rx), std::optional<int>(1));
        auto v = rx.try_recv();
        QVERIFY(v);
        QCOMPARE(*v, 2);
        QCOMPARE(recv_now(rx), std::optional<int>());
    }

    void cancelledRecvLosesNothing() {
        auto [tx, rx] = mpsc::channel<int>(4);
        CountingWaker w;
        {
            auto r = rx.recv();
            QVERIFY(poll_once(r, w).is_pending());
            QCOMPARE(w.stored(), 1);
        }
        QCOMPARE(w.stored(), 0); // the cancelled recv took its waker back
        QCOMPARE(tx.try_send(7), mpsc::TrySendResult::Sent);
        QCOMPARE(w.wakes(), 0);
        {
            auto r = rx.recv(); // created, never polled, destroyed
        }
        QCOMPARE(recv_now(rx), std::optional<int>(7));
    }

    void selectLoopWithShutdownLosesNothing() {
        // The pattern: select(shutdown, work) in a loop, then drain.
        auto [tx, rx] = mpsc::channel<int>(16);
        auto [stx, srx] = mpsc::channel<int>(1);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(tx.try_send(i), mpsc::TrySendResult::Sent);
        std::vector<int> got;
        int iterations = 0;
        for (;;) {
            if (++iterations == 4)
                QCOMPARE(stx.try_send(1), mpsc::TrySendResult::Sent);
            auto sel = select(srx.recv(), rx.recv());
            auto p = poll_once(sel);
            QVERIFY(p.is_ready());
            auto r = p.take();
            if (r.index == 0)
                break; // rx.recv() lost: destroyed, its value stays queued
            got.push_back(*std::get<1>(r.value));
        }
        QCOMPARE(got.size(), std::size_t(3));
        while (auto v = rx.try_recv())
            got.push_back(*v);
        QCOMPARE(got.size(), std::size_t(10));
        for (int i = 0; i < 10; ++i)
            QCOMPARE(got[i], i);
    }

    void reportsSendAndRecvToHooks() {
        ChannelHooks hooks;
        auto [tx, rx] = mpsc::channel<int>(1);
        {
            detail::PollScope scope(&hooks, 1);
            QCOMPARE(tx.try_send(1), mpsc::TrySendResult::Sent);
            auto s = tx.send(2);
            QVERIFY(poll_once(s).is_pending()); // not sent yet: not reported
            QCOMPARE(hooks.sends, 1);
            QCOMPARE(recv_now(rx), std::optional<int>(1));
            QVERIFY(poll_once(s).take());
            QCOMPARE(hooks.sends, 2);
            QVERIFY(rx.try_recv());
            QCOMPARE(hooks.recvs, 2);
        }
        QCOMPARE(tx.try_send(3), mpsc::TrySendResult::Sent); // no hooks now
        QCOMPARE(hooks.sends, 2);
    }

    void droppingReceiverWithSelfReferencingValuesDoesNotDeadlock() {
        // A value holding a Sender of its own channel (like a task queue).
        struct Holder {
            std::shared_ptr<mpsc::Sender<Holder>> tx;
        };
        auto [tx, rx] = mpsc::channel<Holder>(2);
        auto shared_tx = std::make_shared<mpsc::Sender<Holder>>(std::move(tx));
        QCOMPARE(shared_tx->try_send(Holder{shared_tx}), mpsc::TrySendResult::Sent);
        shared_tx.reset(); // the only sender now lives inside the buffer
        { auto gone = std::move(rx); }
        QVERIFY(true);
    }

    void stressFourProducers() {
        constexpr int kProducers = 4;
        constexpr int kPerProducer = 10000;
        auto [tx, rx] = mpsc::channel<int>(16);
        std::vector<std::thread> producers;
        for (int p = 0; p < kProducers; ++p) {
            producers.emplace_back([p, tx = tx]() mutable {
                for (int i = 0; i < kPerProducer; ++i) {
                    bool ok = block_on_future(tx.send(p * kPerProducer + i));
                    if (!ok)
                        std::abort();
                }
            });
        }
        { auto gone = std::move(tx); }
        std::vector<int> seen(kProducers * kPerProducer, 0);
        std::vector<int> last(kProducers, -1);
        int count = 0;
        bool ordered = true;
        while (auto v = block_on_future(rx.recv())) {
            ++seen[*v];
            ++count;
            int p = *v / kPerProducer, i = *v % kPerProducer;
            ordered = ordered && i > last[p];
            last[p] = i;
        }
        for (auto& t : producers)
            t.join();
        QCOMPARE(count, kProducers * kPerProducer);
        QVERIFY(ordered); // each producer's values arrive in its order
        for (int s : seen)
            QCOMPARE(s, 1);
    }
};

QTEST_APPLESS_MAIN(TestMpsc)
#include "test_mpsc.moc"
