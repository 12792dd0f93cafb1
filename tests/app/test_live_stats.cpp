// LiveStats: the task table's statistics on a thread of their own equal
// compute_stats() of the same events, batch by batch; clear() forgets a run.
#include "live_stats.h"
#include "stats.h"
#include "synthetic.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>

#include <memory>

using namespace pollscope;
using pollscope::app::LiveStats;

namespace {
/// Feeds `t` to `s` in batches of `size` events, its tables with the first.
void feed(LiveStats& s, const trace::Trace& t, std::size_t size) {
    trace::TraceDelta tables;
    tables.strings = t.strings;
    tables.locations = t.locations;
    tables.threads = t.threads;
    for (std::size_t i = 0; i < t.events.size(); i += size) {
        const auto end = std::min(t.events.size(), i + size);
        s.add({t.events.begin() + std::ptrdiff_t(i), t.events.begin() + std::ptrdiff_t(end)},
              std::exchange(tables, {}));
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
        LiveStats s;
        feed(s, t, 997);
        QVERIFY(s.snapshot_now() == trace::compute_stats(t));
        QCOMPARE(s.events(), std::uint64_t(t.events.size()));
    }

    void request_then_take() {
        const auto t = trace::make_synthetic_trace(20'000, 100, 2, 3);
        LiveStats s;
        QVERIFY(!s.take());
        feed(s, t, 4096);
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
        LiveStats s;
        feed(s, a, 1000);
        QVERIFY(s.request());
        s.clear(); // the snapshot in flight (of a) is dropped
        QVERIFY(!s.pending());
        feed(s, b, 333);
        QVERIFY(s.snapshot_now() == trace::compute_stats(b));
        QVERIFY(s.request());
        QVERIFY(wait_take(s) == trace::compute_stats(b));
    }
};

QTEST_GUILESS_MAIN(TestLiveStats)
#include "test_live_stats.moc"
