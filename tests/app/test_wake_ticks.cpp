// Wake ticks (too many wakes in view for arrows): one tick per pixel column
// with a wake, drawn as runs of adjacent columns (WakeTicks), so a dense lane
// is one rectangle and a sparse one keeps its gaps.
#include "event_builder.h"
#include "timeline_scene.h"
#include "timeline_view.h"
#include "trace_store.h"
#include "wake_ticks.h"

#include <QPainter>
#include <QtTest>

#include <set>

using namespace pollscope;
using namespace pollscope::app;
using test::ev;
using trace::EventKind;

namespace {

/// The columns the rectangles cover on row `top`.
std::set<int> columns_of(const QVector<QRect>& rects, int top) {
    std::set<int> cols;
    for (const QRect& r : rects) {
        if (r.top() != top)
            continue;
        for (int x = r.left(); x <= r.right(); ++x)
            cols.insert(x);
    }
    return cols;
}

} // namespace

class TestWakeTicks : public QObject {
    Q_OBJECT
private slots:
    void adjacent_columns_merge_per_lane() {
        WakeTicks t(2);
        for (int x : {5, 6, 7, 7, 10, 12, 13})
            t.add(0, 100, x);
        t.add(1, 122, 6);
        t.add(2, 144, 6); // no such lane: ignored
        const auto rects = t.rects();
        QCOMPARE(rects.size(), 4);
        QCOMPARE(columns_of(rects, 100), (std::set<int>{5, 6, 7, 10, 12, 13}));
        QCOMPARE(columns_of(rects, 122), (std::set<int>{6}));
        for (const QRect& r : rects)
            QCOMPARE(r.height(), WakeTicks::kHeight);
    }

    void columns_in_any_order_keep_every_tick() {
        WakeTicks t(1);
        for (int x : {9, 3, 4, 2, 9, 20, 8})
            t.add(0, 0, x);
        QCOMPARE(columns_of(t.rects(), 0), (std::set<int>{2, 3, 4, 8, 9, 20}));
        QVERIFY(!t.empty());
        QVERIFY(WakeTicks(3).empty());
    }

    // A task woken 7,500 times (far above the arrow limit): its lane has a
    // tick in exactly the columns with a wake, a dense stretch as one run.
    void dense_lane_ticks_cover_exactly_the_wake_columns() {
        std::vector<trace::Event> e;
        e.push_back(ev(0, EventKind::Spawn, 1, 0));
        std::vector<std::int64_t> wakes;
        auto poll_then_wake = [&](std::int64_t t) {
            e.push_back(ev(t, EventKind::PollStart, 1, 0));
            e.push_back(ev(t + 100, EventKind::PollEnd, 1, 0)); // Pending
            e.push_back(ev(t + 200, EventKind::Wake, 1, 0));
            wakes.push_back(t + 200);
        };
        for (std::int64_t t = 1000; t < 2'500'000; t += 500)
            poll_then_wake(t); // dense: every column
        for (std::int64_t t = 2'500'000; t < 5'000'000; t += 50'000)
            poll_then_wake(t); // sparse: every other column
        TraceStore store;
        store.append(e);
        QVERIFY(store.wakes().size() > 5000); // far above the arrow limit (2,000)

        TimelineView view;
        view.resize(TimelineView::kLabelWidth + 200 + 8 + 20, 120); // < 131,072 pixels
        view.set_store(&store);
        view.set_record_scene(true);
        view.set_mapping_range(0, 5'000'000);
        QImage image(view.size(), QImage::Format_RGB32);
        QPainter p(&image);
        view.render_to(p);
        p.end();

        const auto& map = view.mapping();
        std::set<int> want;
        for (const auto ts : wakes)
            want.insert(map.to_column(ts));
        const int top = TimelineView::kRulerHeight + 1; // lane 0's tick row
        const auto& ticks = view.last_scene().wake_ticks;
        QCOMPARE(columns_of(ticks, top), want);
        // The dense half (~100 columns) is one run; the sparse half's ticks
        // stay apart (~50 of them).
        QVERIFY(ticks.size() < 60);
        QVERIFY(ticks.size() > 40);
        const auto widest = std::max_element(
            ticks.begin(), ticks.end(), [](auto& a, auto& b) { return a.width() < b.width(); });
        QVERIFY(widest->width() >= 95);
    }
};

QTEST_MAIN(TestWakeTicks)
#include "test_wake_ticks.moc"
