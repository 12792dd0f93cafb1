// StepGate: forwards every hook, holds polls while paused, one poll per step.
#include "step_gate.h"

#include <QtTest>

#include <atomic>
#include <thread>

using namespace pollscope;
using namespace pollscope::trace;

namespace {
struct Counting : Hooks {
    std::atomic<int> starts{0}, ends{0}, wakes{0};
    void on_poll_start(TaskId) override { ++starts; }
    void on_poll_end(TaskId, PollResult, std::source_location, const Resource*) override { ++ends; }
    void on_wake(TaskId, TaskId) override { ++wakes; }
};
} // namespace

class TestStepGate : public QObject {
    Q_OBJECT
private slots:
    void running_passes_and_forwards() {
        Counting c;
        StepGate g(&c);
        g.on_poll_start(1);
        g.on_poll_end(1, PollResult::Pending, {}, nullptr);
        g.on_wake(1, 2);
        QCOMPARE(c.starts.load(), 1);
        QCOMPARE(c.ends.load(), 1);
        QCOMPARE(c.wakes.load(), 1);
        QCOMPARE(g.passed(), std::uint64_t(1));
    }

    void paused_gate_lets_one_poll_per_step() {
        Counting c;
        StepGate g(&c);
        g.pause();
        std::atomic<int> done{0};
        std::thread worker([&] {
            for (int i = 0; i < 3; ++i) {
                g.on_poll_start(TaskId(i + 1));
                ++done;
            }
        });
        QTRY_COMPARE(g.waiting(), 1);
        QCOMPARE(done.load(), 0);
        QCOMPARE(g.waiting_task(), TaskId(1));
        g.step();
        QTRY_COMPARE(done.load(), 1);
        QTRY_COMPARE(g.waiting(), 1);
        QCOMPARE(c.starts.load(), 1);
        QCOMPARE(g.waiting_task(), TaskId(2));
        g.step(2);
        worker.join();
        QCOMPARE(done.load(), 3);
        QCOMPARE(c.starts.load(), 3);
    }

    void release_opens_for_good() {
        StepGate g(nullptr);
        g.pause();
        std::thread worker([&] { g.on_poll_start(1); });
        QTRY_COMPARE(g.waiting(), 1);
        g.release();
        worker.join();
        g.on_poll_start(2); // does not block
        QCOMPARE(g.passed(), std::uint64_t(2));
        QVERIFY(!g.paused());
    }
};

QTEST_MAIN(TestStepGate)
#include "test_step_gate.moc"
