// broadcast's trace hooks: each receiver's creation (channel()'s first one,
// subscribe()) and drop, and each Lagged{missed}, in the order they happen,
// with the task that did it and the channel's address its sends carry.
#include "broadcast.h"
#include "manual_poll.h"

#include <QtTest>

#include <mutex>
#include <string>
#include <vector>

using namespace pollscope;
using pollscope::test::poll_once;

namespace {
struct BroadcastHooks : Hooks {
    struct Call {
        std::string what;
        TaskId task = 0;
        const void* channel = nullptr;
        std::uint64_t missed = 0;
        friend bool operator==(const Call&, const Call&) = default;
    };
    std::mutex m;
    std::vector<Call> calls;
    void add(Call c) {
        std::lock_guard lk(m);
        calls.push_back(std::move(c));
    }
    void on_channel_send(ChannelKind k, const void* c) override {
        if (k == ChannelKind::Broadcast)
            add({"send", current_task_id(), c, 0});
    }
    void on_channel_recv(ChannelKind k, const void* c) override {
        if (k == ChannelKind::Broadcast)
            add({"recv", current_task_id(), c, 0});
    }
    void on_broadcast_subscribe(const void* c) override {
        add({"subscribe", current_task_id(), c, 0});
    }
    void on_broadcast_unsubscribe(const void* c) override {
        add({"unsubscribe", current_task_id(), c, 0});
    }
    void on_broadcast_lag(const void* c, std::uint64_t missed) override {
        add({"lag", current_task_id(), c, missed});
    }
};
} // namespace

class TestBroadcastTrace : public QObject {
    Q_OBJECT
private slots:
    void subscribeLagAndDropInOrder() {
        BroadcastHooks hooks;
        {
            detail::PollScope task1(&hooks, 1);
            auto [tx, rx] = broadcast::channel<int>(2);
            QVERIFY(tx.send(0));
            QCOMPARE(hooks.calls.size(), std::size_t(2));
            const void* ch = hooks.calls[1].channel; // the address sends carry
            QVERIFY(ch != nullptr);
            std::optional<broadcast::Receiver<int>> late;
            {
                detail::PollScope task2(&hooks, 2);
                late.emplace(tx.subscribe());
            }
            for (int i = 1; i <= 4; ++i) // rx misses 0, 1, 2; late misses 1, 2
                QVERIFY(tx.send(i));
            {
                detail::PollScope task2(&hooks, 2);
                auto f = late->recv();
                auto r = poll_once(f).take();
                QVERIFY(r.is_lagged());
                QCOMPARE(r.missed(), std::uint64_t(2));
                QCOMPARE(late->try_recv().value(), 3);
            }
            auto f = rx.recv();
            auto r = poll_once(f).take();
            QCOMPARE(r.missed(), std::uint64_t(3));
            QCOMPARE(rx.try_recv().value(), 3);
            auto moved = std::move(rx); // moving is no new receiver, nor a drop
            {
                detail::PollScope task2(&hooks, 2);
                late.reset();
            }
            const std::vector<BroadcastHooks::Call> want{
                {"subscribe", 1, ch, 0}, {"send", 1, ch, 0}, {"subscribe", 2, ch, 0},
                {"send", 1, ch, 0},      {"send", 1, ch, 0}, {"send", 1, ch, 0},
                {"send", 1, ch, 0},      {"lag", 2, ch, 2},  {"recv", 2, ch, 0},
                {"lag", 1, ch, 3},       {"recv", 1, ch, 0}, {"unsubscribe", 2, ch, 0},
            };
            QCOMPARE(hooks.calls, want);
        } // moved (task 1's receiver) and tx go here
        QCOMPARE(hooks.calls.size(), std::size_t(13));
        QCOMPARE(hooks.calls.back().what, std::string("unsubscribe"));
        QCOMPARE(hooks.calls.back().task, TaskId(1));
    }

    void nothingOutsideAPoll() {
        BroadcastHooks hooks;
        {
            auto [tx, rx] = broadcast::channel<int>(1);
            auto rx2 = tx.subscribe();
            QVERIFY(tx.send(1));
            QVERIFY(tx.send(2));
            QVERIFY(rx.try_recv().is_lagged());
        }
        QVERIFY(hooks.calls.empty());
    }
};

QTEST_APPLESS_MAIN(TestBroadcastTrace)
#include "test_broadcast_trace.moc"
