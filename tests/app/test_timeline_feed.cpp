// TimelineFeed: builds the store from a recorder on its own thread; flush()
// brings in everything recorded so far, every event exactly once, into the
// model a whole trace loads into; stop() returns even while a reader holds
// the store.
#include "live_stats.h"
#include "recorder.h"
#include "runtime.h"
#include "task.h"
#include "timeline_feed.h"
#include "trace_store.h"
#include "yield_now.h"

#include <QtTest>

#include <algorithm>
#include <memory>
#include <shared_mutex>
#include <tuple>
#include <vector>

using namespace pollscope;
using pollscope::app::LiveStats;
using pollscope::app::TimelineFeed;
using pollscope::app::TraceStore;

namespace {
Task<void> yields(int n) {
    for (int i = 0; i < n; ++i)
        co_await yield_now();
}

/// Runs `tasks` tasks of `n` yields each on 2 workers, recorded.
void run_yields(trace::TraceRecorder& recorder, int tasks, int n) {
    Runtime rt({.workers = 2, .hooks = &recorder});
    std::vector<JoinHandle<void>> hs;
    for (int i = 0; i < tasks; ++i)
        hs.push_back(rt.spawn(yields(n), "yields"));
    for (auto& h : hs)
        h.get();
    rt.shutdown();
}
} // namespace

class TestTimelineFeed : public QObject {
    Q_OBJECT
private slots:
    void flush_brings_every_event_once() {
        auto recorder = std::make_shared<trace::TraceRecorder>();
        TraceStore store;
        LiveStats stats;
        TimelineFeed feed(store, &stats);
        feed.start(recorder);
        // Recorded while the feed runs, in several drains.
        run_yields(*recorder, 8, 3000);
        feed.flush();
        const trace::Trace whole = recorder->snapshot();
        std::shared_lock lock(store.mutex());
        QCOMPARE(store.trace().events.size(), whole.events.size());
        QCOMPARE(feed.applied(), std::uint64_t(whole.events.size()));
        // The model paired every poll: 8 tasks x 3001 polls, all closed.
        QCOMPARE(store.polls().size(), std::size_t(8 * 3001));
        for (const auto& p : store.polls())
            QVERIFY(!p.open());
        // Slices went to two copies in turns (the feed's and the store's,
        // swapped): the model holds the polls and wakes a whole-trace load
        // finds. Polls are indexed in the order events arrive, and a drain
        // brings a worker's events a little late when its buffer was not yet
        // linked, so they are compared as sets, a wake by the poll it caused.
        trace::TimelineModel loaded;
        loaded.load(whole);
        const auto polls_of = [](const trace::TimelineModel& m) {
            std::vector<std::tuple<std::uint32_t, std::uint32_t, std::int64_t, std::int64_t,
                                   std::uint16_t, int>>
                v;
            for (const auto& p : m.polls())
                v.emplace_back(p.task, p.number, p.start, p.end, p.thread, int(p.outcome));
            std::sort(v.begin(), v.end());
            return v;
        };
        QVERIFY(polls_of(store) == polls_of(loaded));
        const auto wakes_of = [](const trace::TimelineModel& m) {
            std::vector<std::tuple<std::int64_t, std::uint32_t, std::uint32_t, std::uint32_t>> v;
            for (const auto& w : m.wakes())
                v.emplace_back(w.ts, w.woken, w.waker,
                               w.caused == trace::kNoIndex ? 0 : m.polls()[w.caused].number);
            std::sort(v.begin(), v.end());
            return v;
        };
        QVERIFY(wakes_of(store) == wakes_of(loaded));
        QCOMPARE(store.task_lanes().size(), loaded.task_lanes().size());
        lock.unlock();
        // The statistics saw the very same events.
        QCOMPARE(stats.snapshot_now().tasks.size(), std::size_t(8));
        QCOMPARE(stats.events(), std::uint64_t(whole.events.size()));
        feed.stop();
    }

    void stop_returns_while_a_reader_holds_the_store() {
        auto recorder = std::make_shared<trace::TraceRecorder>();
        run_yields(*recorder, 2, 20000);
        TraceStore store;
        TimelineFeed feed(store, nullptr);
        std::shared_lock lock(store.mutex()); // as the GUI thread while awake
        feed.start(recorder);
        feed.stop(); // would hang if the feed waited for the lock
        QVERIFY(!feed.active());
    }
};

QTEST_GUILESS_MAIN(TestTimelineFeed)
#include "test_timeline_feed.moc"
