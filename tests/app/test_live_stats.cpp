// LiveStats: the task table's statistics on a thread of their own equal
// compute_stats() of the same events, batch by batch; clear() forgets a run.
#include "live_stats.h"
#include "stats.h"
#include "synthetic.h"
#include "trace_store.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>

#include <memory>
#include <mutex>
#include <shared_mutex>

using namespace pollscope;
using pollscope::app::LiveStats;

namespace {
/// Grows `store` by `t` in batches of `size` events (its tables first), as
/// the feed does, handing each batch to `s` once the store has it.
void feed(LiveStats& s, app::TraceStore& store, const trace::Trace& t, std::size_t size) {
    {
        std::unique_lock w(store.mutex());
        store.merge_tables(t);
    }
    for (std::size_t i = 0; i < t.events.size(); i += size) {
        const auto end = std::min(t.events.size(), i + size);
        std::vector<trace::Event> batch(t.events.begin() + std::ptrdiff_t(i),
                                        t.events.begin() + std::ptrdiff_t(end));
        {
            std::unique_lock w(store.mutex());
            store.append(batch);
        }
        s.add(store, std::move(batch));
    }
}

trace::TraceStats wait_take(LiveStats& s) {
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 10000) {
        if (auto r = s.take())
            return std::move(*r);
        QThread::msleep(1);
    }
    return {};
}
} // namespace

class TestLiveStats : public QObject {
    Q_OBJECT
private slots:
    void equals_compute_stats() {
        const auto t = trace::make_synthetic_trace(50'000, 300, 4, 7);
        app::TraceStore store;
        LiveStats s;
        feed(s, store, t, 997);
        QVERIFY(s.snapshot_now() == trace::compute_stats(t));
        QCOMPARE(s.events(), std::uint64_t(t.events.size()));
    }

    void request_then_take() {
        const auto t = trace::make_synthetic_trace(20'000, 100, 2, 3);
        app::TraceStore store;
        LiveStats s;
        QVERIFY(!s.take());
        feed(s, store, t, 4096);
        QVERIFY(s.request(t.events.back().ts + 1000));
        QVERIFY(!s.request()); // one at a time
        QVERIFY(s.pending());
        trace::StatsOptions o;
        o.end_ts = t.events.back().ts + 1000;
        QVERIFY(wait_take(s) == trace::compute_stats(t, o));
        QVERIFY(!s.pending());
        QVERIFY(s.request());
    }

    void clear_forgets_the_run() {
        const auto a = trace::make_synthetic_trace(20'000, 100, 2, 1);
        const auto b = trace::make_synthetic_trace(5'000, 30, 2, 2);
        app::TraceStore store_a, store_b; // a new run: a new model (both outlive s)
        LiveStats s;
        feed(s, store_a, a, 1000);
        QVERIFY(s.request());
        s.clear(); // the snapshot in flight (of a) is dropped
        QVERIFY(!s.pending());
        feed(s, store_b, b, 333);
        QVERIFY(s.snapshot_now() == trace::compute_stats(b));
        QVERIFY(s.request());
        QVERIFY(wait_take(s) == trace::compute_stats(b));
    }
};

QTEST_GUILESS_MAIN(TestLiveStats)
#include "test_live_stats.moc"
