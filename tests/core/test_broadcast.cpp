// broadcast: every receiver gets every value, receiver_count, NoReceivers,
// Lagged{n} then the oldest kept value, Closed, wakes, cancel safety, threads.
#include "block_on.h"
#include "broadcast.h"
#include "manual_poll.h"
#include "select.h"

#include <QtTest>

#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace pollscope;
using pollscope::test::CountingWaker;
using pollscope::test::poll_once;

namespace {
template <class T> broadcast::RecvResult<T> recv_now(broadcast::Receiver<T>& rx) {
    auto f = rx.recv();
    auto p = poll_once(f);
    if (p.is_pending())
        throw std::runtime_error("recv was pending");
    return p.take();
}
} // namespace

class TestBroadcast : public QObject {
    Q_OBJECT
private slots:
    void everyReceiverGetsEveryValue() {
        auto [tx, rx1] = broadcast::channel<std::string>(4);
        auto rx2 = tx.subscribe();
        QCOMPARE(tx.receiver_count(), std::size_t(2));
        auto r = tx.send("a");
        QVERIFY(r);
        QCOMPARE(r.receivers, std::size_t(2));
        QVERIFY(tx.send("b"));
        for (auto* rx : {&rx1, &rx2}) {
            auto a = recv_now(*rx);
            QVERIFY(a);
            QCOMPARE(*a, std::string("a"));
            QCOMPARE(recv_now(*rx).value(), std::string("b"));
            QVERIFY(rx->try_recv().is_empty());
        }
    }

    void subscriberSeesOnlyLaterValues() {
        auto [tx, rx] = broadcast::channel<int>(4);
        QVERIFY(tx.send(1));
        auto late = tx.subscribe();
        QVERIFY(tx.send(2));
        QCOMPARE(recv_now(late).value(), 2);
        QCOMPARE(recv_now(rx).value(), 1);
    }

    void receiverCountAndNoReceivers() {
        auto [tx, rx] = broadcast::channel<int>(2);
        {
            auto r2 = tx.subscribe();
            auto r3 = tx.subscribe();
            QCOMPARE(tx.receiver_count(), std::size_t(3));
            auto moved = std::move(r3); // moving is not a new receiver
            QCOMPARE(tx.receiver_count(), std::size_t(3));
        }
        QCOMPARE(tx.receiver_count(), std::size_t(1));
        { auto gone = std::move(rx); }
        QCOMPARE(tx.receiver_count(), std::size_t(0));
        auto r = tx.send(5);
        QVERIFY(!r);
        QCOMPARE(r.error, std::optional(broadcast::SendError::NoReceivers));
        QCOMPARE(r.receivers, std::size_t(0));
    }

    void laggedReportsMissedThenOldestKept() {
        auto [tx, rx] = broadcast::channel<int>(3);
        for (int i = 0; i < 8; ++i) // keeps 5, 6, 7; 0..4 overwritten
            QVERIFY(tx.send(i));
        auto r = recv_now(rx);
        QVERIFY(r.is_lagged());
        QCOMPARE(r.missed(), std::uint64_t(5));
        QCOMPARE(recv_now(rx).value(), 5);
        QCOMPARE(recv_now(rx).value(), 6);
        QCOMPARE(recv_now(rx).value(), 7);
        QVERIFY(rx.try_recv().is_empty());
    }

    void closedAfterAllSendersGoneAndAllRead() {
        auto [tx, rx] = broadcast::channel<int>(4);
        auto tx2 = tx;
        QVERIFY(tx.send(1));
        { auto gone = std::move(tx); }
        CountingWaker w;
        QCOMPARE(recv_now(rx).value(), 1);
        auto f = rx.recv();
        QVERIFY(poll_once(f, w).is_pending()); // tx2 still there
        { auto gone = std::move(tx2); }
        QCOMPARE(w.wakes(), 1);
        QVERIFY(poll_once(f, w).take().is_closed());
        QVERIFY(rx.try_recv().is_closed());
    }

    void waitingReceiversWokenOnceEach() {
        auto [tx, rx1] = broadcast::channel<int>(4);
        auto rx2 = tx.subscribe();
        CountingWaker w1, w2;
        auto f1 = rx1.recv();
        auto f2 = rx2.recv();
        QVERIFY(poll_once(f1, w1).is_pending());
        QVERIFY(poll_once(f1, w1).is_pending());
        QVERIFY(poll_once(f2, w2).is_pending());
        QCOMPARE(w1.stored(), 1);
        QVERIFY(tx.send(9));
        QVERIFY(tx.send(10)); // nobody waits any more: no second wake
        QCOMPARE(w1.wakes(), 1);
        QCOMPARE(w2.wakes(), 1);
        QCOMPARE(w1.stored() + w2.stored(), 0);
        QCOMPARE(poll_once(f1, w1).take().value(), 9);
        QCOMPARE(poll_once(f2, w2).take().value(), 9);
    }

    void cancelledRecvUnregistersAndLosesNothing() {
        auto [tx, rx] = broadcast::channel<int>(4);
        CountingWaker w;
        {
            auto f = rx.recv();
            QVERIFY(poll_once(f, w).is_pending());
            QCOMPARE(w.stored(), 1);
        }
        QCOMPARE(w.stored(), 0);
        QVERIFY(tx.send(3));
        QCOMPARE(w.wakes(), 0);
        // Shutdown-style select: a ready left branch cancels rx.recv().
        auto [stx, srx] = broadcast::channel<int>(1);
        QVERIFY(stx.send(1));
        auto sel = select(srx.recv(), rx.recv());
        auto p = poll_once(sel);
        QCOMPARE(p.take().index, std::size_t(0));
        QCOMPARE(recv_now(rx).value(), 3);
    }

    void droppedReceiverReleasesValues() {
        auto [tx, rx] = broadcast::channel<std::shared_ptr<int>>(4);
        auto rx2 = tx.subscribe();
        auto v = std::make_shared<int>(1);
        QVERIFY(tx.send(v));
        QCOMPARE(v.use_count(), 2);
        QVERIFY(recv_now(rx));
        QCOMPARE(v.use_count(), 2); // rx2 still has to read it
        { auto gone = std::move(rx2); }
        QCOMPARE(v.use_count(), 1); // last claim released: freed from the ring
    }

    void acrossThreads() {
        constexpr int kReceivers = 3;
        constexpr int kValues = 5000;
        auto [tx, rx0] = broadcast::channel<int>(kValues); // big enough: no lag
        std::vector<broadcast::Receiver<int>> rxs;
        rxs.push_back(std::move(rx0));
        for (int i = 1; i < kReceivers; ++i)
            rxs.push_back(tx.subscribe());
        std::vector<long> sums(kReceivers, 0);
        std::vector<int> counts(kReceivers, 0);
        std::vector<std::thread> threads;
        for (int r = 0; r < kReceivers; ++r) {
            threads.emplace_back([&, r] {
                for (;;) {
                    auto res = block_on_future(rxs[r].recv());
                    if (res.is_closed())
                        break;
                    sums[r] += res.value();
                    ++counts[r];
                }
            });
        }
        std::thread producer([tx = std::move(tx)]() mutable {
            for (int i = 0; i < kValues; ++i)
                (void)tx.send(i);
        });
        producer.join();
        for (auto& t : threads)
            t.join();
        for (int r = 0; r < kReceivers; ++r) {
            QCOMPARE(counts[r], kValues);
            QCOMPARE(sums[r], long(kValues) * (kValues - 1) / 2);
        }
    }
};

QTEST_APPLESS_MAIN(TestBroadcast)
#include "test_broadcast.moc"
