// The recorder plugged into the real Runtime: a task that yields three times
// shows as four polls, three self-wakes, its spawn site and await site.

#include "recorder.h"
#include "runtime.h"
#include "stats.h"
#include "yield_now.h"

#include <QtTest>

using namespace pollscope;
using namespace pollscope::trace;

namespace {
Task<int> yielder() {
    for (int i = 0; i < 3; ++i)
        co_await yield_now();
    co_return 7;
}
} // namespace

class TestRuntimeRecording : public QObject {
    Q_OBJECT
private slots:
    void yieldingTask();
};

void TestRuntimeRecording::yieldingTask() {
    auto clock = Clock::make_virtual();
    TraceRecorder rec({0, TraceRecorder::clock_time(clock), true});
    int line = 0;
    {
        RuntimeOptions o;
        o.workers = 2;
        o.hooks = &rec;
        o.clock = clock;
        Runtime rt(o);
        line = __LINE__ + 1;
        QCOMPARE(rt.block_on(yielder(), "yielder"), 7);
    }
    const Trace t = rec.snapshot();
    const TraceStats s = compute_stats(t);
    const TaskStats* y = nullptr;
    for (auto& task : s.tasks)
        if (task.name == "yielder")
            y = &task;
    QVERIFY(y);
    QCOMPARE(y->state, TaskState::Done);
    QCOMPARE(y->polls, 4u);
    QCOMPARE(y->pending_polls, 3u);
    QCOMPARE(y->self_wakes, 3u);
    QCOMPARE(y->yields, 3u);
    QCOMPARE(t.locations[y->spawn_location].line, std::uint32_t(line));
    QVERIFY(y->last_await_site != 0);
    QVERIFY(t.string(t.locations[y->last_await_site].file).find("test_runtime_recording") !=
            std::string_view::npos);
    int workers = 0;
    for (auto& th : t.threads)
        workers += th.worker >= 0;
    QCOMPARE(workers, 2);
}

QTEST_GUILESS_MAIN(TestRuntimeRecording)
#include "test_runtime_recording.moc"
