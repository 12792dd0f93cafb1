// oneshot after the receiver closes (issue 14, item 12), as in Tokio: a poll
// with no value sent is Ready(nullopt) (Tokio's Err(RecvError)) instead of
// Pending forever, and a send that fails uses the Sender up.
#include "manual_poll.h"
#include "oneshot.h"

#include <QtTest>

using namespace pollscope;
using pollscope::test::CountingWaker;
using pollscope::test::poll_once;

class TestOneshotClose : public QObject {
    Q_OBJECT
private slots:
    void close_with_a_live_sender_then_poll_is_ready_without_value() {
        auto [tx, rx] = oneshot::channel<int>();
        rx.close();
        auto p = poll_once(rx);
        QVERIFY(p.is_ready());
        QVERIFY(!p.value().has_value());
        QVERIFY(tx.is_closed());
    }

    void close_failed_send_then_poll_is_ready_without_value() {
        auto [tx, rx] = oneshot::channel<int>();
        rx.close();
        auto r = tx.send(7);
        QVERIFY(!r);
        QCOMPARE(r.returned, std::optional<int>(7));
        // the failed send used the sender up: a second send has nothing to send with
        auto again = tx.send(8);
        QVERIFY(!again);
        QCOMPARE(again.returned, std::optional<int>(8));
        auto p = poll_once(rx);
        QVERIFY(p.is_ready());
        QVERIFY(!p.value().has_value());
    }

    // The task that closes and then awaits: pending first, closed while it
    // waits; the close itself does not wake (as in Tokio) but the next poll
    // is Ready.
    void pending_poll_then_close_then_poll_is_ready() {
        auto [tx, rx] = oneshot::channel<int>();
        CountingWaker w;
        QVERIFY(poll_once(rx, w).is_pending());
        rx.close();
        auto p = poll_once(rx, w);
        QVERIFY(p.is_ready());
        QVERIFY(!p.value().has_value());
        QCOMPARE(w.stored(), 0); // no waker left behind
    }

    void value_sent_before_close_is_still_received() {
        auto [tx, rx] = oneshot::channel<int>();
        QVERIFY(tx.send(5));
        rx.close();
        auto p = poll_once(rx);
        QVERIFY(p.is_ready());
        QCOMPARE(p.value(), std::optional<int>(5));
    }
};

QTEST_APPLESS_MAIN(TestOneshotClose)
#include "test_oneshot_close.moc"
