// oneshot: one value, sender drop -> nullopt, receiver drop -> value back,
// one stored waker woken once, across threads.
#include "block_on.h"
#include "manual_poll.h"
#include "oneshot.h"

#include <QtTest>

#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace pollscope;
using pollscope::test::CountingWaker;
using pollscope::test::poll_once;

class TestOneshot : public QObject {
    Q_OBJECT
private slots:
    void sendThenReceive() {
        auto [tx, rx] = oneshot::channel<std::string>();
        QVERIFY(!tx.is_closed());
        auto r = tx.send("hello");
        QVERIFY(r.sent);
        QVERIFY(!r.returned);
        auto p = poll_once(rx);
        QVERIFY(p.is_ready());
        QCOMPARE(*p.take(), std::string("hello"));
    }

    void waitsAndWakesOnce() {
        CountingWaker w;
        auto [tx, rx] = oneshot::channel<int>();
        QVERIFY(poll_once(rx, w).is_pending());
        QVERIFY(poll_once(rx, w).is_pending()); // same waker: stored once
        QCOMPARE(w.stored(), 1);
        QCOMPARE(w.wakes(), 0);
        QVERIFY(tx.send(7));
        QCOMPARE(w.wakes(), 1);
        QCOMPARE(w.stored(), 0);
        auto p = poll_once(rx, w);
        QVERIFY(p.is_ready());
        QCOMPARE(*p.take(), 7);
    }

    void senderDroppedGivesNullopt() {
        CountingWaker w;
        auto [tx, rx] = oneshot::channel<int>();
        QVERIFY(poll_once(rx, w).is_pending());
        { auto gone = std::move(tx); }
        QCOMPARE(w.wakes(), 1);
        auto p = poll_once(rx, w);
        QVERIFY(p.is_ready());
        QVERIFY(!p.take().has_value());
    }

    void receiverDroppedGivesValueBack() {
        auto [tx, rx] = oneshot::channel<std::unique_ptr<int>>();
        { auto gone = std::move(rx); }
        QVERIFY(tx.is_closed());
        auto r = tx.send(std::make_unique<int>(5));
        QVERIFY(!r);
        QVERIFY(r.returned && *r.returned && **r.returned == 5);
    }

    void closeRefusesLaterSend() {
        auto [tx, rx] = oneshot::channel<int>();
        QVERIFY(!rx.try_recv());
        rx.close();
        QVERIFY(!tx.send(1));
    }

    void pollAfterReadyThrows() {
        auto [tx, rx] = oneshot::channel<int>();
        QVERIFY(tx.send(1));
        QVERIFY(poll_once(rx).is_ready());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)poll_once(rx));
    }

    void acrossThreads() {
        constexpr int kN = 2000;
        std::vector<oneshot::Sender<int>> senders;
        std::vector<oneshot::Receiver<int>> receivers;
        for (int i = 0; i < kN; ++i) {
            auto [tx, rx] = oneshot::channel<int>();
            senders.push_back(std::move(tx));
            receivers.push_back(std::move(rx));
        }
        std::thread producer([&] {
            for (int i = 0; i < kN; ++i) {
                if (i % 3 == 0)
                    senders[i] = {}; // dropped unsent
                else
                    (void)senders[i].send(i);
            }
        });
        long sum = 0;
        int none = 0;
        for (int i = 0; i < kN; ++i) {
            auto v = block_on_future(receivers[i]);
            if (v)
                sum += *v;
            else
                ++none;
        }
        producer.join();
        long expect = 0;
        int expect_none = 0;
        for (int i = 0; i < kN; ++i)
            (i % 3 == 0) ? void(++expect_none) : void(expect += i);
        QCOMPARE(sum, expect);
        QCOMPARE(none, expect_none);
    }
};

QTEST_APPLESS_MAIN(TestOneshot)
#include "test_oneshot.moc"
