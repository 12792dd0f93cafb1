// GuiReadLock: the GUI thread holds the store's lock shared while it is
// awake and lets go while its event loop blocks; Unlocked and Exclusive.
#include "gui_read_lock.h"

#include <QtTest>

#include <atomic>
#include <thread>

using pollscope::app::GuiReadLock;

namespace {
/// Whether another thread could take the lock exclusively right now.
bool other_can_write(std::shared_mutex& m) {
    bool got = false;
    std::thread t([&] {
        if (m.try_lock()) {
            got = true;
            m.unlock();
        }
    });
    t.join();
    return got;
}
/// Runs a real event loop (one that blocks between events, as the app's
/// does; QTest::qWait only sleeps) until `done` or 10 s.
template <class F> void run_loop_until(F done) {
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(1);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    poll.start();
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
}

bool other_can_read(std::shared_mutex& m) {
    bool got = false;
    std::thread t([&] {
        if (m.try_lock_shared()) {
            got = true;
            m.unlock_shared();
        }
    });
    t.join();
    return got;
}
} // namespace

class TestGuiReadLock : public QObject {
    Q_OBJECT
private slots:
    void held_while_awake_released_while_blocked() {
        std::shared_mutex m;
        GuiReadLock lock(m);
        QVERIFY(lock.held());
        QVERIFY(!other_can_write(m));
        QVERIFY(other_can_read(m));
        // A writer that waits for the lock gets it once this thread's event
        // loop blocks, and this thread has it again when it wakes.
        std::atomic<bool> wrote{false};
        std::thread writer([&] {
            std::unique_lock w(m);
            wrote = true;
        });
        run_loop_until([&] { return wrote.load(); });
        QVERIFY(wrote.load());
        writer.join();
        // An event handled after that runs with the lock held again.
        bool held_in_event = false;
        QTimer::singleShot(0, this, [&] { held_in_event = lock.held() && !other_can_write(m); });
        run_loop_until([&] { return held_in_event; });
        QVERIFY(held_in_event);
    }

    void unlocked_and_exclusive_scopes() {
        std::shared_mutex m;
        GuiReadLock lock(m);
        {
            GuiReadLock::Unlocked u(lock);
            QVERIFY(!lock.held());
            QVERIFY(other_can_write(m));
            // The event loop waking inside the scope does not take it back.
            int polls = 0;
            run_loop_until([&] { return ++polls == 5; });
            QVERIFY(!lock.held());
            QVERIFY(other_can_write(m));
        }
        QVERIFY(lock.held());
        QVERIFY(!other_can_write(m));
        {
            GuiReadLock::Exclusive x(lock);
            QVERIFY(!other_can_read(m));
        }
        QVERIFY(lock.held());
        QVERIFY(other_can_read(m));
        QVERIFY(!other_can_write(m));
    }
};

QTEST_MAIN(TestGuiReadLock)
#include "test_gui_read_lock.moc"
