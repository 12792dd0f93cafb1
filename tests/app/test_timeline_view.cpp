// TimelineView: level of detail on a big synthetic trace (every frame well
// under budget at any zoom), hit testing, lane modes.
#include "synthetic.h"
#include "timeline_lod.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QtTest>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

using namespace pollscope;
using namespace pollscope::app;

namespace {

struct TestPoll {
    std::int64_t start, end;
    trace::Outcome outcome;
};

/// What level k of a lane must hold, computed the slow way: the polls
/// grouped by the bucket their start falls in.
std::vector<LodBucket> brute_force_level(const std::vector<TestPoll>& polls, int k) {
    std::map<std::int64_t, LodBucket> by_bucket;
    for (const auto& p : polls) {
        auto& b = by_bucket[TimelineLod::bucket_of(p.start, k)];
        if (b.polls == 0) {
            b.first = p.start;
            b.last_end = p.end;
        }
        b.first = std::min(b.first, p.start);
        b.last_end = std::max(b.last_end, p.end);
        b.busy += p.end - p.start;
        ++b.polls;
        b.ready += p.outcome == trace::Outcome::Ready ? 1 : 0;
        b.failed += p.outcome == trace::Outcome::Failed ? 1 : 0;
    }
    std::vector<LodBucket> out;
    for (const auto& [n, b] : by_bucket)
        out.push_back(b);
    return out;
}

} // namespace

class TestTimelineView : public QObject {
    Q_OBJECT
private slots:
    // Level of detail bounds the work per frame; its speed is measured by
    // bench/pollscope_gui_bench, never asserted here.
    void big_trace_paints_merged_at_any_zoom() {
        const std::size_t n =
            qEnvironmentVariableIntValue("POLLSCOPE_TIMELINE_EVENTS") > 0
                ? std::size_t(qEnvironmentVariableIntValue("POLLSCOPE_TIMELINE_EVENTS"))
                : 2'000'000;
        TraceStore store;
        store.load(trace::make_synthetic_trace(n, 2000, 8));
        TimelineView view;
        view.resize(1400, 700);
        view.set_store(&store);
        view.fit();
        QImage img(view.size(), QImage::Format_RGB32);
        double worst = 0;
        int max_rects = 0;
        for (auto mode : {TimelineView::LaneMode::Tasks, TimelineView::LaneMode::Workers}) {
            view.set_lane_mode(mode);
            view.fit();
            for (int z = 0; z < 14; ++z) {
                QPainter p(&img);
                view.render_to(p);
                worst = std::max(worst, view.last_paint_ms());
                max_rects = std::max(max_rects, view.last_rect_count());
                auto m = view.mapping();
                m.zoom_about(700, 3.0);
                view.set_mapping_range(m.start, m.end);
            }
        }
        qInfo("%zu events: worst frame %.2f ms, at most %d rectangles", n, worst, max_rects);
        // Merged per pixel: never more rectangles than columns x lanes.
        QVERIFY(max_rects <= 1400 * (700 / TimelineView::kLaneHeight + 2));
        QVERIFY(max_rects > 0);
    }

    // Every level of the LOD equals the polls grouped by bucket: each bucket
    // covers exactly the polls starting in it, its busy time is the sum of
    // their durations (busy fraction = busy / bucket width), its counts and
    // extent are theirs; in order, out of order, sparse, dense, long polls.
    void lod_buckets_match_their_polls_data() {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("max_gap");      // ns between polls
        QTest::addColumn<int>("max_duration"); // ns
        QTest::addColumn<bool>("shuffled");    // add in random order
        QTest::addColumn<int>("settle_every"); // settle() after this many adds
        QTest::newRow("dense, in order") << 20000 << 300 << 200 << false << 1000;
        QTest::newRow("dense, settled once") << 20000 << 300 << 200 << false << 1000000;
        QTest::newRow("sparse") << 3000 << 50'000'000 << 5000 << false << 7;
        QTest::newRow("long polls") << 2000 << 100 << 40'000'000 << false << 100;
        QTest::newRow("out of order") << 5000 << 20000 << 9000 << true << 50;
        QTest::newRow("out of order, settled each") << 800 << 100000 << 50000 << true << 1;
    }
    void lod_buckets_match_their_polls() {
        QFETCH(int, count);
        QFETCH(int, max_gap);
        QFETCH(int, max_duration);
        QFETCH(bool, shuffled);
        QFETCH(int, settle_every);
        std::mt19937_64 rng(42);
        std::vector<TestPoll> polls;
        std::int64_t t = 1'000'000;
        for (int i = 0; i < count; ++i) {
            t += std::int64_t(rng() % std::uint64_t(max_gap)) + 1;
            const std::int64_t d = std::int64_t(rng() % std::uint64_t(max_duration));
            const auto r = rng() % 10;
            const auto o = r == 0  ? trace::Outcome::Failed
                           : r < 3 ? trace::Outcome::Ready
                                   : trace::Outcome::Pending;
            polls.push_back({t, t + d, o});
            t += d;
        }
        auto order = polls;
        if (shuffled)
            std::shuffle(order.begin(), order.end(), rng);
        TimelineLod lod;
        for (int i = 0; i < count; ++i) {
            lod.add(order[std::size_t(i)].start, order[std::size_t(i)].end,
                    order[std::size_t(i)].outcome);
            if ((i + 1) % settle_every == 0)
                lod.settle();
        }
        lod.settle();
        QVERIFY(lod.settled());
        QVERIFY(lod.level_count() >= 1);
        QVERIFY(lod.level(lod.level_count() - 1).size() <= 4 ||
                lod.level_count() == TimelineLod::kMaxLevels);
        for (int k = 0; k < lod.level_count(); ++k) {
            const auto want = brute_force_level(polls, k);
            const auto& got = lod.level(k);
            QCOMPARE(got.size(), want.size());
            std::int64_t busy_total = 0;
            std::uint32_t polls_total = 0;
            for (std::size_t i = 0; i < got.size(); ++i) {
                const auto& g = got[i];
                const auto& w = want[i];
                QCOMPARE(g.first, w.first);
                QCOMPARE(g.last_end, w.last_end);
                QCOMPARE(g.busy, w.busy);
                QCOMPARE(g.polls, w.polls);
                QCOMPARE(g.ready, w.ready);
                QCOMPARE(g.failed, w.failed);
                // Sorted, one entry per bucket.
                if (i > 0)
                    QVERIFY(TimelineLod::bucket_of(got[i - 1].first, k) <
                            TimelineLod::bucket_of(g.first, k));
                busy_total += g.busy;
                polls_total += g.polls;
            }
            QCOMPARE(polls_total, std::uint32_t(count));
            std::int64_t want_busy = 0;
            for (const auto& p : polls)
                want_busy += p.end - p.start;
            QCOMPARE(busy_total, want_busy);
        }
    }

    // Hand-computed buckets: level 0 is 8192 ns wide, level 1 16384 ns.
    void lod_hand_computed_rows_data() {
        QTest::addColumn<int>("level");
        QTest::addColumn<int>("bucket"); // position in the level
        QTest::addColumn<qint64>("first");
        QTest::addColumn<qint64>("last_end");
        QTest::addColumn<qint64>("busy");
        QTest::addColumn<int>("polls");
        QTest::addColumn<double>("busy_fraction"); // busy / bucket width
        // Polls: [0,1024) [2048,6144) [8192,10240) [16384,24576) Ready, [40960,41984),
        // [81920,82944) Failed (level 0 then has 5 buckets, so level 1 exists).
        QTest::newRow("L0 b0: two polls")
            << 0 << 0 << qint64(0) << qint64(6144) << qint64(5120) << 2 << 5120.0 / 8192;
        QTest::newRow("L0 b1") << 0 << 1 << qint64(8192) << qint64(10240) << qint64(2048) << 1
                               << 2048.0 / 8192;
        QTest::newRow("L0 b2: full")
            << 0 << 2 << qint64(16384) << qint64(24576) << qint64(8192) << 1 << 1.0;
        QTest::newRow("L0 b3: bucket 5")
            << 0 << 3 << qint64(40960) << qint64(41984) << qint64(1024) << 1 << 1024.0 / 8192;
        QTest::newRow("L1 b0: three polls")
            << 1 << 0 << qint64(0) << qint64(10240) << qint64(7168) << 3 << 7168.0 / 16384;
        QTest::newRow("L1 b1") << 1 << 1 << qint64(16384) << qint64(24576) << qint64(8192) << 1
                               << 0.5;
        QTest::newRow("L1 b2") << 1 << 2 << qint64(40960) << qint64(41984) << qint64(1024) << 1
                               << 1024.0 / 16384;
    }
    void lod_hand_computed_rows() {
        QFETCH(int, level);
        QFETCH(int, bucket);
        QFETCH(qint64, first);
        QFETCH(qint64, last_end);
        QFETCH(qint64, busy);
        QFETCH(int, polls);
        QFETCH(double, busy_fraction);
        TimelineLod lod;
        lod.add(0, 1024, trace::Outcome::Pending);
        lod.add(2048, 6144, trace::Outcome::Pending);
        lod.add(8192, 8192 + 2048, trace::Outcome::Pending);
        lod.add(16384, 16384 + 8192, trace::Outcome::Ready);
        lod.add(40960, 41984, trace::Outcome::Pending);
        lod.add(81920, 82944, trace::Outcome::Failed); // a 5th bucket: level 1 appears
        lod.settle();
        QVERIFY(level < lod.level_count());
        const auto& b = lod.level(level)[std::size_t(bucket)];
        QCOMPARE(b.first, first);
        QCOMPARE(b.last_end, last_end);
        QCOMPARE(b.busy, busy);
        QCOMPARE(int(b.polls), polls);
        QCOMPARE(double(b.busy) / double(TimelineLod::width(level)), busy_fraction);
        QCOMPARE(lod.level_for(8191.0), -1);
        QCOMPARE(lod.level_for(8192.0), 0);
        QCOMPARE(lod.level_for(20000.0), 1);
    }

    // The store's lanes: each LOD holds exactly the lane's closed polls.
    void store_lods_hold_every_closed_poll() {
        TraceStore store;
        auto t = trace::make_synthetic_trace(300'000, 50, 4);
        // Half loaded, half appended in drain-sized batches (as live).
        const auto half = t.events.size() / 2;
        std::vector<trace::Event> rest(t.events.begin() + std::ptrdiff_t(half), t.events.end());
        t.events.resize(half);
        store.load(t);
        for (std::size_t i = 0; i < rest.size(); i += 7000)
            store.append(std::vector<trace::Event>(
                rest.begin() + std::ptrdiff_t(i),
                rest.begin() + std::ptrdiff_t(std::min(rest.size(), i + 7000))));
        int with_lod = 0;
        for (const auto* lanes : {&store.task_lanes(), &store.thread_lanes()}) {
            for (const auto& lane : *lanes) {
                if (lane.lod.level_count() == 0) {
                    QVERIFY(lane.polls.size() < TraceStore::kLodMinPolls);
                    continue;
                }
                ++with_lod;
                QVERIFY(lane.lod.settled());
                std::vector<TestPoll> closed;
                for (const auto i : lane.polls) {
                    const auto& b = store.polls()[i];
                    if (!b.open())
                        closed.push_back({b.start, b.end, b.outcome});
                }
                for (int k = 0; k < lane.lod.level_count(); k += 3) {
                    const auto want = brute_force_level(closed, k);
                    const auto& got = lane.lod.level(k);
                    QCOMPARE(got.size(), want.size());
                    for (std::size_t i = 0; i < got.size(); ++i) {
                        QCOMPARE(got[i].busy, want[i].busy);
                        QCOMPARE(got[i].polls, want[i].polls);
                        QCOMPARE(got[i].last_end, want[i].last_end);
                    }
                }
            }
        }
        QVERIFY(with_lod >= 4); // at least the thread lanes
    }

    void hit_test_finds_poll() {
        TraceStore store;
        std::vector<trace::Event> ev = {
            {.ts = 0, .task = 1, .kind = trace::EventKind::Spawn},
            {.ts = 100, .task = 1, .kind = trace::EventKind::PollStart},
            {.ts = 400, .task = 1, .kind = trace::EventKind::PollEnd, .flag = 0},
            {.ts = 500, .task = 1, .kind = trace::EventKind::Wake},
            {.ts = 600, .task = 1, .kind = trace::EventKind::PollStart},
            {.ts = 900, .task = 1, .kind = trace::EventKind::PollEnd, .flag = 1},
        };
        store.append(ev);
        QCOMPARE(store.polls().size(), std::size_t(2));
        QCOMPARE(store.polls()[1].number, 2u);
        QVERIFY(store.cause_of(1) != nullptr);
        QCOMPARE(store.cause_of(1)->ts, 500);
        TimelineView view;
        view.resize(TimelineView::kLabelWidth + 1000 + 8 + 20, 200);
        view.set_store(&store);
        view.set_mapping_range(0, 1000);
        const int y = TimelineView::kRulerHeight + TimelineView::kLaneHeight / 2;
        const int x1 = int(view.mapping().to_x(250));
        const int x2 = int(view.mapping().to_x(750));
        QCOMPARE(view.poll_at(QPoint(x1, y)), 0);
        QCOMPARE(view.poll_at(QPoint(x2, y)), 1);
        QCOMPARE(view.poll_at(QPoint(int(view.mapping().to_x(500)), y)), -1);
        QCOMPARE(view.poll_at(QPoint(x1, y + 5 * TimelineView::kLaneHeight)), -1);
    }

    void worker_lanes_by_index_with_one_name() {
        // Threads register in the order they start (worker 2 before 1 here):
        // the lanes follow the worker index, a plain thread comes last, and
        // a worker's label is one name, not "worker-0 (worker 0)".
        trace::Trace t;
        t.strings = {"", "worker-0", "pollscope-wrk", "main"};
        t.locations = {{}};
        t.threads = {{.os_id = 1, .worker = -1, .name = 3},
                     {.os_id = 2, .worker = 2, .name = 2},
                     {.os_id = 3, .worker = 0, .name = 1},
                     {.os_id = 4, .worker = 1, .name = 0}};
        std::vector<trace::Event> ev;
        for (std::uint16_t th : {0, 1, 2, 3})
            ev.push_back(
                {.ts = 10 + th, .task = 0, .thread = th, .kind = trace::EventKind::WorkerStart});
        TraceStore store;
        store.merge_tables(t);
        store.append(ev);
        std::vector<std::uint32_t> keys;
        for (const auto& l : store.thread_lanes())
            keys.push_back(l.key);
        QCOMPARE(keys, (std::vector<std::uint32_t>{2, 3, 1, 0}));
        QCOMPARE(store.thread_label(2), QStringLiteral("worker 0"));
        QCOMPARE(store.thread_label(3), QStringLiteral("worker 1"));
        QCOMPARE(store.thread_label(1), QStringLiteral("pollscope-wrk 2"));
        QCOMPARE(store.thread_label(0), QStringLiteral("main"));
    }

    void rare_markers_survive_crowds() {
        // Yields by the thousand: cancels and marks are still listed (and
        // drawn) where the crowd of yields is not.
        std::vector<trace::Event> ev{{.ts = 0, .task = 1, .kind = trace::EventKind::Spawn}};
        for (int i = 0; i < 20000; ++i)
            ev.push_back({.ts = 10 + i, .task = 1, .kind = trace::EventKind::Yield});
        ev.push_back({.ts = 30000, .task = 1, .kind = trace::EventKind::Cancel});
        TraceStore store;
        store.append(ev);
        QCOMPARE(store.markers().size(), std::size_t(20002));
        QCOMPARE(store.rare_markers().size(), std::size_t(1));
        QCOMPARE(int(store.rare_markers()[0].kind), int(MarkerKind::Cancel));
        TimelineView view;
        view.resize(800, 200);
        view.set_store(&store);
        view.fit();
        QImage img(view.size(), QImage::Format_RGB32);
        QPainter p(&img);
        view.render_to(p);
        p.end();
        // The cancel cross (red) at the end of lane 0.
        const int x = int(std::lround(view.mapping().to_x(30000)));
        const int y = TimelineView::kRulerHeight + TimelineView::kLaneHeight / 2;
        bool red = false;
        for (int dx = -4; dx <= 4 && !red; ++dx)
            for (int dy = -4; dy <= 4 && !red; ++dy) {
                const QColor c = img.pixelColor(x + dx, y + dy);
                red = c.red() > 150 && c.green() < 120 && c.blue() < 120;
            }
        QVERIFY(red);
    }

    void live_now_extends_waiting_lines() {
        TraceStore store;
        store.append({{.ts = 0, .task = 1, .kind = trace::EventKind::Spawn},
                      {.ts = 100, .task = 1, .kind = trace::EventKind::PollStart},
                      {.ts = 200, .task = 1, .kind = trace::EventKind::PollEnd, .flag = 0}});
        TimelineView view;
        view.resize(TimelineView::kLabelWidth + 1000 + 8 + 20, 200);
        view.set_store(&store);
        view.set_mapping_range(0, 1000);
        const int y = TimelineView::kRulerHeight + TimelineView::kLaneHeight / 2;
        const int x = int(view.mapping().to_x(800));
        auto line_at = [&] {
            QImage img(view.size(), QImage::Format_RGB32);
            QPainter p(&img);
            view.render_to(p);
            p.end();
            return img.pixelColor(x, y) != img.pixelColor(x, y - 6);
        };
        QVERIFY(!line_at()); // the last event is at 200
        view.set_live_now(1000);
        QVERIFY(line_at()); // waiting until now
        view.set_live_now(-1);
        QVERIFY(!line_at());
    }
};

QTEST_MAIN(TestTimelineView)
#include "test_timeline_view.moc"
