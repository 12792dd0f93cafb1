// Wake arrows fall back to ticks when their lines would hide the lanes they
// cross (ArrowInk): the unbounded-spawn pattern (many handlers on one mutex,
// each handler's end waking a joiner at the top) at Fit draws no line
// across the lanes in view, but a tick at each woken lane in view (task
// wakes at the joiner's top, the mutex's wakes at each handler's bottom);
// a few handlers, all in view, still get their arrows.
#include "arrow_ink.h"
#include "event_builder.h"
#include "resource.h"
#include "resource_timeline.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QPainter>
#include <QPicture>
#include <QScrollBar>
#include <QtTest>

using namespace pollscope;
using namespace pollscope::app;
using test::ev;
using trace::EventKind;

namespace {

/// Task 1 joins `handlers` handler tasks (2..handlers+1), spawned 1 ms
/// apart, that take one mutex (resource 1) in turn: each waits on it, is
/// woken by the one before (the mutex's wake), runs 1 ms, and its end wakes
/// task 1, waiting on its JoinHandle (resource 1000 + handler).
std::vector<trace::Event> handlers_on_a_mutex(std::uint32_t handlers) {
    constexpr auto kMutex = std::uint8_t(ResourceKind::Mutex);
    constexpr auto kJoin = std::uint8_t(ResourceKind::JoinHandle);
    constexpr std::int64_t ms = 1'000'000;
    std::vector<trace::Event> e;
    e.push_back(ev(0, EventKind::Spawn, 1, 0));
    e.push_back(ev(0, EventKind::Resource, 0, 0, /*id*/ 1, kMutex));
    e.push_back(ev(1, EventKind::PollStart, 1, 0));
    for (std::uint32_t h = 2; h <= handlers + 1; ++h) {
        e.push_back(ev(2 + h, EventKind::Spawn, h, 0, /*parent*/ 1));
        e.push_back(ev(2 + h, EventKind::Resource, 0, 0, /*id*/ 1000 + h, kJoin));
    }
    e.push_back(ev(ms / 2, EventKind::PollEnd, 1, 0, 0, /*Pending*/ 0, /*waits on*/ 1002));
    std::int64_t t = ms;
    for (std::uint32_t h = 2; h <= handlers + 1; ++h) {
        e.push_back(ev(t, EventKind::PollStart, h, 0));
        e.push_back(ev(t + 10, EventKind::PollEnd, h, 0, 0, /*Pending*/ 0, /*waits on*/ 1));
        t += 20;
    }
    for (std::uint32_t h = 2; h <= handlers + 1; ++h) {
        t += ms;
        // The one before let go of the mutex (the first: the plain thread).
        e.push_back(ev(t, EventKind::Wake, h, 0, /*by*/ h == 2 ? 0 : h - 1));
        e.push_back(ev(t + 10, EventKind::PollStart, h, 0));
        e.push_back(ev(t + ms / 2, EventKind::PollEnd, h, 0, 0, /*Ready*/ 1));
        e.push_back(ev(t + ms / 2 + 10, EventKind::Wake, 1, 0, /*by*/ h));
        e.push_back(ev(t + ms / 2 + 20, EventKind::PollStart, 1, 0));
        if (h == handlers + 1)
            e.push_back(ev(t + ms / 2 + 30, EventKind::PollEnd, 1, 0, 0, /*Ready*/ 1));
        else // on to the next one's JoinHandle
            e.push_back(ev(t + ms / 2 + 30, EventKind::PollEnd, 1, 0, 0, /*Pending*/ 0, 1001 + h));
    }
    return e;
}

/// Paints `view` at Fit into a picture (no pixels), recording its scene.
const TimelineScene& paint(TimelineView& view) {
    view.set_record_scene(true);
    QPicture picture;
    QPainter p(&picture);
    view.render_to(p);
    return view.last_scene();
}

int lane_top(int lane) {
    return TimelineView::kRulerHeight + lane * TimelineView::kLaneHeight;
}

} // namespace

class TestArrowInk : public QObject {
    Q_OBJECT
private slots:
    void the_share_of_the_plot_decides() {
        const QRect plot(0, 0, 1000, 400); // a budget of 20,000 px of line
        ArrowInk few(plot);
        for (int i = 0; i < 20; ++i)
            few.add({i * 40.0, 50}, {i * 40.0 + 5, 350}); // 20 lines across the plot
        QVERIFY(few.readable());
        ArrowInk many(plot);
        for (int i = 0; i < 100; ++i)
            many.add({i * 10.0, 10}, {i * 10.0, 390}); // 100 lines across it
        QVERIFY(!many.readable());
        // Only what lies inside the plot counts: from far below, as from its bottom.
        ArrowInk below(plot), inside(plot);
        below.add({10, 5000}, {10, 100});
        inside.add({10, 400}, {10, 100});
        QCOMPARE(below.ink(), inside.ink());
        // A narrow plot (a small window) still has room for a dozen lines across it.
        ArrowInk narrow(QRect(0, 0, 60, 400));
        for (int i = 0; i < ArrowInk::kFewLines; ++i)
            narrow.add({i * 5.0, 0}, {i * 5.0, 400});
        QVERIFY(narrow.readable());
        narrow.add({1, 0}, {1, 400});
        QVERIFY(!narrow.readable());
        // Short arrows (an arc in one lane) are cheap: hundreds still read.
        ArrowInk arcs(plot);
        for (int i = 0; i < 300; ++i)
            arcs.add({i * 3.0, 30}, {i * 3.0 + 8, 30});
        QVERIFY(arcs.readable());
    }

    void crowded_lines_become_ticks_at_the_woken_lanes() {
        TraceStore store;
        store.append(handlers_on_a_mutex(300));
        TimelineView view;
        view.resize(900, lane_top(12)); // 12 task lanes in view, the resources far below
        view.set_store(&store);
        view.fit();
        QCOMPARE(view.resource_timelines().size(), std::size_t(301)); // drawn: 200
        const auto& scene = paint(view);
        // No line crosses the lanes in view.
        QVERIFY(scene.arrows.empty());
        QVERIFY(scene.resource_arrows.empty());
        // The joiner's 300 wakes: ticks at the top of its lane (lane 0).
        QVERIFY(!scene.wake_ticks.isEmpty());
        QVERIFY(std::any_of(scene.wake_ticks.begin(), scene.wake_ticks.end(),
                            [](const QRect& r) { return r.top() == lane_top(0) + 1; }));
        // The resources' wakes (the JoinHandles' of the joiner, the mutex's of
        // the handlers): a tick at the bottom of each woken lane in view.
        QVERIFY(std::any_of(
            scene.resource_wake_ticks.begin(), scene.resource_wake_ticks.end(),
            [](const QRect& r) { return r.top() > lane_top(0) && r.bottom() < lane_top(1); }));
        QVERIFY(!scene.resource_wake_ticks.isEmpty());
        for (int lane = 1; lane < 11; ++lane)
            QVERIFY2(std::any_of(scene.resource_wake_ticks.begin(), scene.resource_wake_ticks.end(),
                                 [&](const QRect& r) {
                                     return r.top() > lane_top(lane) &&
                                            r.bottom() < lane_top(lane + 1);
                                 }),
                     qPrintable(QStringLiteral("lane %1").arg(lane)));
        for (const QRect& r : scene.resource_wake_ticks)
            QVERIFY(r.height() <= 4);
    }

    void few_arrows_stay_arrows() {
        TraceStore store;
        store.append(handlers_on_a_mutex(4));
        TimelineView view;
        // Every lane in view: the joiner, 4 handlers, the heading, 5 resources.
        view.resize(900, lane_top(11));
        view.set_store(&store);
        view.fit();
        const auto& scene = paint(view);
        QVERIFY(scene.wake_ticks.isEmpty());
        QVERIFY(scene.resource_wake_ticks.isEmpty());
        // The mutex woke 3 of the 4 handlers (the first wake was the
        // thread's), each JoinHandle the joiner.
        QVERIFY(scene.resource_arrows.size() >= 6);
        // Each handler's end woke the joiner.
        QVERIFY(std::count_if(scene.arrows.begin(), scene.arrows.end(),
                              [](const auto& a) { return a.to_lane == 0; }) >= 3);
    }
};

QTEST_MAIN(TestArrowInk)
#include "test_arrow_ink.moc"
