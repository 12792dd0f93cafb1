// Resource wake arrows found by binary search (ResourceWakeIndex), not by a
// scan of every wait at each paint: the index answers what a scan would, and
// the view draws an arrow for exactly the wakes in view with an end in view
// (a resource lane scrolled away: only those into a task lane in view).
#include "event_builder.h"
#include "resource.h"
#include "resource_timeline.h"
#include "resource_wake_index.h"
#include "timeline_scene.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QPainter>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <tuple>

using namespace pollscope;
using namespace pollscope::app;
using test::ev;
using trace::EventKind;

namespace {

constexpr auto kMutex = std::uint8_t(ResourceKind::Mutex);

/// Tasks 1..tasks all waiting on one mutex, over and over, each woken by
/// the next; about `events` events.
std::vector<trace::Event> shared_mutex_waits(std::uint32_t tasks, std::size_t events) {
    std::vector<trace::Event> e;
    for (std::uint32_t t = 1; t <= tasks; ++t)
        e.push_back(ev(0, EventKind::Spawn, t, 0));
    e.push_back(ev(0, EventKind::Resource, 0, 0, /*id*/ 1, kMutex));
    std::int64_t ts = 10;
    while (e.size() < events) {
        for (std::uint32_t t = 1; t <= tasks; ++t) {
            e.push_back(ev(ts, EventKind::PollStart, t, 0));
            e.push_back(ev(ts + 5, EventKind::PollEnd, t, 0, 0, /*Pending*/ 0, /*waits on*/ 1));
            ts += 10;
        }
        for (std::uint32_t t = 1; t <= tasks; ++t)
            e.push_back(ev(ts += 7, EventKind::Wake, t, 0, /*by task*/ t % tasks + 1));
    }
    return e;
}

} // namespace

class TestResourceWakeIndex : public QObject {
    Q_OBJECT
private slots:
    void index_answers_what_a_scan_would() {
        trace::ResourceTimeline r;
        // (task, from, woken): some never woken, one woken at its start.
        const std::tuple<std::uint32_t, std::int64_t, std::int64_t> waits[] = {
            {1, 0, 50},   {2, 5, 40},    {1, 60, -1},   {3, 70, 70},  {2, 80, 120},
            {1, 90, 120}, {3, 100, 300}, {2, 130, 200}, {1, 140, 150}};
        for (const auto& [task, from, woken] : waits)
            r.waits.push_back({.task = task, .from = from, .woken = woken});
        const ResourceWakeIndex index(r);
        for (std::int64_t t0 = -10; t0 <= 310; t0 += 10) {
            for (std::int64_t t1 = t0; t1 <= 320; t1 += 30) {
                std::set<std::uint32_t> all;
                std::set<std::uint32_t> of[4];
                for (std::uint32_t i = 0; i < r.waits.size(); ++i) {
                    const auto& w = r.waits[i];
                    if (w.woken > w.from && w.woken >= t0 && w.woken <= t1) {
                        all.insert(i);
                        of[w.task].insert(i);
                    }
                }
                std::set<std::uint32_t> got;
                std::int64_t last = std::numeric_limits<std::int64_t>::min();
                for (const auto& e : index.woken_in(t0, t1)) {
                    got.insert(e.wait);
                    QCOMPARE(e.woken, r.waits[e.wait].woken);
                    QVERIFY(e.woken >= last); // by wake time
                    last = e.woken;
                }
                QCOMPARE(got, all);
                for (std::uint32_t task = 1; task <= 3; ++task) {
                    std::set<std::uint32_t> mine;
                    for (const auto& e : index.woken_in(task, t0, t1)) {
                        QCOMPARE(e.task, task);
                        mine.insert(e.wait);
                    }
                    QCOMPARE(mine, of[task]);
                }
            }
        }
    }

    // Six tasks' lanes, the resource's below them: with only the first
    // lanes in view, the arrows are exactly the wakes in view of the tasks
    // in view; with the resource lane in view, all in view.
    void arrows_with_an_end_in_view() {
        TraceStore store;
        store.append(shared_mutex_waits(6, 600));
        const auto want_lanes = trace::resource_timelines(store);
        QCOMPARE(want_lanes.size(), std::size_t(1));
        const auto& waits = want_lanes[0].waits;
        TimelineView view;
        view.set_store(&store);
        view.set_record_scene(true);
        const std::int64_t t0 = 2000, t1 = 2600;
        for (const int lanes_shown : {3, 6 + 2}) {
            view.resize(TimelineView::kLabelWidth + 300,
                        TimelineView::kRulerHeight + lanes_shown * TimelineView::kLaneHeight);
            view.set_mapping_range(t0, t1);
            QImage image(view.size(), QImage::Format_RGB32);
            {
                QPainter p(&image);
                view.render_to(p);
            }
            // Rows at least partly in view (the widget may be taller than asked).
            const int rows_in_view =
                (view.height() - TimelineView::kRulerHeight + TimelineView::kLaneHeight - 1) /
                TimelineView::kLaneHeight;
            const bool resource_shown = 7 < rows_in_view; // below 6 lanes and the heading
            QCOMPARE(resource_shown, lanes_shown > 6);
            std::multiset<std::pair<std::uint32_t, std::int64_t>> want;
            for (const auto& w : waits) {
                QCOMPARE(view.task_in_row(int(w.task) - 1), w.task);
                const bool task_shown = int(w.task) - 1 < rows_in_view;
                if (w.woken > w.from && w.woken >= t0 && w.woken <= t1 &&
                    (task_shown || resource_shown))
                    want.insert({w.task, w.woken});
            }
            QVERIFY(want.size() < std::size_t(std::count_if(
                                      waits.begin(), waits.end(),
                                      [&](auto& w) { return w.woken >= t0 && w.woken <= t1; })) ||
                    resource_shown);
            for (const auto& a : view.last_scene().resource_arrows)
                QCOMPARE(view.task_in_row(a.to_lane), a.task);
            QVERIFY(!want.empty());
            // The same tasks woken at the same columns.
            std::multiset<std::pair<std::uint32_t, int>> want_cols, got_cols;
            for (const auto& [task, ts] : want)
                want_cols.insert({task, view.mapping().to_column(ts)});
            for (const auto& a : view.last_scene().resource_arrows)
                got_cols.insert({a.task, int(std::floor(a.from.x()))});
            QCOMPARE(got_cols, want_cols);
        }
    }
};

QTEST_MAIN(TestResourceWakeIndex)
#include "test_resource_wake_index.moc"
