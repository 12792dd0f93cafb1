// Channels and combinators on the real Runtime: ping-pong across workers and
// the shutdown event loop (select(shutdown, work), then drain) losing nothing.
#include "broadcast.h"
#include "mpsc.h"
#include "runtime.h"
#include "select.h"
#include "unit.h"

#include <QtTest>

using namespace pollscope;

namespace {
Task<int> ponger(mpsc::Receiver<int> rx, mpsc::Sender<int> tx) {
    int n = 0;
    while (auto v = co_await rx.recv()) {
        ++n;
        co_await tx.send(*v + 1);
    }
    co_return n;
}

Task<long> event_loop(mpsc::Receiver<int> rx, broadcast::Receiver<Unit> shutdown) {
    long sum = 0;
    for (;;) {
        auto r = co_await select(shutdown.recv(), rx.recv());
        if (r.index == 0)
            break;
        auto& v = std::get<1>(r.value);
        if (!v)
            break;
        sum += *v;
    }
    while (auto v = rx.try_recv()) // drain what was queued before shutdown
        sum += *v;
    co_return sum;
}
} // namespace

class TestChannelRuntime : public QObject {
    Q_OBJECT
private slots:
    void pingPong() {
        Runtime rt(RuntimeOptions{.workers = 2});
        auto result = rt.block_on([]() -> Task<int> {
            auto [ping_tx, ping_rx] = mpsc::channel<int>(1);
            auto [pong_tx, pong_rx] = mpsc::channel<int>(1);
            auto h = spawn(ponger(std::move(ping_rx), std::move(pong_tx)));
            int v = 0;
            for (int i = 0; i < 2000; ++i) {
                co_await ping_tx.send(v);
                v = *co_await pong_rx.recv();
            }
            { auto done = std::move(ping_tx); }
            int n = co_await h;
            co_return v + n;
        }());
        QCOMPARE(result, 4000);
    }

    void shutdownLoopLosesNothing() {
        constexpr int kValues = 5000;
        Runtime rt(RuntimeOptions{.workers = 2});
        auto sum = rt.block_on([]() -> Task<long> {
            auto [tx, rx] = mpsc::channel<int>(64);
            auto [stx, srx] = broadcast::channel<Unit>(1);
            auto h = spawn(event_loop(std::move(rx), std::move(srx)));
            for (int i = 1; i <= kValues; ++i)
                co_await tx.send(i);
            (void)stx.send(Unit{});
            co_return co_await h;
        }());
        QCOMPARE(sum, long(kValues) * (kValues + 1) / 2);
    }
};

QTEST_GUILESS_MAIN(TestChannelRuntime)
#include "test_channel_runtime.moc"
