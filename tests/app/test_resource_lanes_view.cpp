// The timeline's channel lanes, on the virtual clock: below the task lanes,
// one lane per channel with a tick glyph for every send and recv of the
// trace (merged ones say how many), labels that never overlap, and a
// tooltip that tells the op, who did it and the level after it.
#include "record_example.h"
#include "resource_timeline.h"
#include "scene_checks.h"
#include "step_axis.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QtTest>

#include <algorithm>
#include <set>

using namespace pollscope;
using namespace pollscope::app;
using trace::ResourceLanes;
using trace::StepAxis;

namespace {

using test::lane_top;
using test::paint_at_fit;

/// Every channel of `store` has its lane below the task lanes (after the
/// heading), and its glyphs take its ops in order, each op once, sends as
/// sends and recvs as recvs. Returns the glyphs' count per channel.
std::vector<int> check_every_op_has_a_tick(const TraceStore& store, const TimelineScene& scene) {
    const auto& chans = store.resource_lanes().channels();
    const int tasks = int(store.task_lanes().size());
    std::vector<int> glyph_count(chans.size(), 0);
    for (int ci = 0; ci < int(chans.size()); ++ci) {
        const auto& c = chans[std::size_t(ci)];
        std::vector<TimelineScene::ResourceGlyph> glyphs;
        for (const auto& g : scene.resource_glyphs)
            if (g.channel == ci)
                glyphs.push_back(g);
        std::sort(glyphs.begin(), glyphs.end(),
                  [](const auto& a, const auto& b) { return a.first_op < b.first_op; });
        std::size_t next = 0;
        std::uint32_t sends = 0, recvs = 0;
        for (std::size_t k = 0; k < glyphs.size(); ++k) {
            const auto& g = glyphs[k];
            if (g.first_op != next || g.row != tasks + 1 + ci || g.rect.width() < 4 ||
                g.rect.top() < lane_top(tasks + 1 + ci) ||
                g.rect.bottom() >= lane_top(tasks + 2 + ci) || g.sends + g.recvs < 1) {
                QTest::qFail(qPrintable(QStringLiteral("channel %1, glyph %2 at op %3 (next %4)")
                                            .arg(ci)
                                            .arg(k)
                                            .arg(g.first_op)
                                            .arg(next)),
                             __FILE__, __LINE__);
                return {};
            }
            // The glyph's sends are its ops' sends.
            std::uint32_t s = 0;
            for (std::size_t q = next; q < next + std::size_t(g.sends + g.recvs); ++q)
                s += c.ops[q].send;
            if (s != std::uint32_t(g.sends)) {
                QTest::qFail("a glyph's sends are not its ops' sends", __FILE__, __LINE__);
                return {};
            }
            next += std::size_t(g.sends + g.recvs);
            sends += std::uint32_t(g.sends);
            recvs += std::uint32_t(g.recvs);
        }
        if (next != c.ops.size() || sends != c.sends || recvs != c.recvs) {
            QTest::qFail(qPrintable(QStringLiteral("channel %1: %2 of %3 ops have a tick")
                                        .arg(ci)
                                        .arg(next)
                                        .arg(c.ops.size())),
                         __FILE__, __LINE__);
            return {};
        }
        glyph_count[std::size_t(ci)] = int(glyphs.size());
    }
    return glyph_count;
}

} // namespace

class TestResourceLanesView : public QObject {
    Q_OBJECT
private slots:
    void executor_task_channel_lane_in_real_time() {
        TraceStore real;
        QVERIFY(test::record_example(QStringLiteral("executor"), real));
        // The seed's Example 2 with one task: the spawner's send, the
        // executor's recv, the waker's send back, the second recv.
        const auto& chans = real.resource_lanes().channels();
        QCOMPARE(chans.size(), std::size_t(1));
        const auto& c = chans[0];
        QCOMPARE(ResourceLanes::label(c), std::string("task channel"));
        QCOMPARE(c.sends, 2u);
        QCOMPARE(c.recvs, 2u);
        QCOMPARE(c.ops.back().level, 0);
        QCOMPARE(c.peak(), 1);
        QVERIFY(c.ops[0].send && !c.ops[1].send && c.ops[2].send && !c.ops[3].send);
        // The executor's recvs run on the thread that polls the task, outside any task.
        QCOMPARE(c.ops[1].task, 0u);
        TimelineView view;
        view.set_store(&real);
        paint_at_fit(view, real);
        const auto& scene = view.last_scene();
        const auto glyphs = check_every_op_has_a_tick(real, scene);
        QVERIFY(!glyphs.empty());
        QVERIFY(glyphs[0] >= 2); // at Fit: the spawn and the wake ~10 ms apart
        test::check_labels_never_overlap(scene);

        // The tooltip on the first tick tells the op, who and the level after it.
        const auto first =
            std::min_element(scene.resource_glyphs.begin(), scene.resource_glyphs.end(),
                             [](const auto& a, const auto& b) { return a.first_op < b.first_op; });
        const QString tip = view.tooltip_at(first->rect.center());
        QVERIFY2(tip.contains(QStringLiteral("task channel")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("send by")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("fill level after: 1")), qPrintable(tip));
        // Above the channel lanes, a task lane's tooltip is a poll's or nothing.
        QVERIFY(!view.tooltip_at(QPoint(first->rect.center().x(), lane_top(0) + 2))
                     .contains(QStringLiteral("fill level")));
    }

    void executor_task_channel_lane_on_steps() {
        TraceStore real, steps;
        StepAxis axis;
        QVERIFY(test::record_on_steps(QStringLiteral("executor"), real, axis, steps));
        TimelineView view;
        view.set_step_axis(&steps, &axis, &real);
        paint_at_fit(view, steps);
        const auto& scene = view.last_scene();
        const auto glyphs = check_every_op_has_a_tick(steps, scene);
        QVERIFY(!glyphs.empty());
        // Every op takes a step of its own: a glyph each.
        QCOMPARE(glyphs[0], int(steps.resource_lanes().channels()[0].ops.size()));
        test::check_labels_never_overlap(scene);
    }

    void sleep_deadlines_on_the_steps_axis() {
        // Each sender's sleep: on steps its deadline is the first step at or
        // after the deadline's real time (the timer fires then, not before).
        TraceStore real, steps;
        StepAxis axis;
        QVERIFY(test::record_on_steps(QStringLiteral("event-loop"), real, axis, steps));
        TimelineView view;
        view.set_step_axis(&steps, &axis, &real);
        paint_at_fit(view, steps);
        const auto real_lanes = trace::resource_timelines(real);
        const auto& events = real.trace().events;
        QCOMPARE(steps.trace().events.size(), events.size()); // one position per event
        int checked = 0;
        for (const auto& r : view.resource_timelines()) {
            if (r.row.kind_text != "sleep")
                continue;
            const auto same = std::find_if(real_lanes.begin(), real_lanes.end(),
                                           [&](const auto& o) { return o.row.id == r.row.id; });
            QVERIFY(same != real_lanes.end());
            QVERIFY(same->deadline >= 0);
            const auto at =
                std::lower_bound(events.begin(), events.end(), same->deadline,
                                 [](const trace::Event& e, std::int64_t t) { return e.ts < t; });
            QVERIFY(at != events.end()); // the timer's wake comes at the deadline
            QCOMPARE(r.deadline, steps.trace().events[std::size_t(at - events.begin())].ts);
            QVERIFY(at->ts >= same->deadline);
            ++checked;
        }
        QCOMPARE(checked, 10); // the ten senders' sleeps
    }

    void every_example_channel_has_its_ticks_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("on_steps");
        for (const char* id : {"event-loop", "executor", "select", "spawn"}) {
            QTest::newRow(qPrintable(QStringLiteral("%1 real").arg(id)))
                << QString::fromLatin1(id) << false;
            QTest::newRow(qPrintable(QStringLiteral("%1 steps").arg(id)))
                << QString::fromLatin1(id) << true;
        }
    }
    void every_example_channel_has_its_ticks() {
        QFETCH(QString, id);
        QFETCH(bool, on_steps);
        TraceStore real, steps;
        StepAxis axis;
        QVERIFY(test::record_on_steps(id, real, axis, steps));
        TimelineView view;
        if (on_steps)
            view.set_step_axis(&steps, &axis, &real);
        else
            view.set_store(&real);
        const TraceStore& drawn = on_steps ? steps : real;
        paint_at_fit(view, drawn);
        check_every_op_has_a_tick(drawn, view.last_scene());
        test::check_labels_never_overlap(view.last_scene());
    }

    void event_loop_queue_fills_and_drains() {
        TraceStore real;
        QVERIFY(test::record_example(QStringLiteral("event-loop"), real));
        const auto& chans = real.resource_lanes().channels();
        const auto mpsc = std::find_if(chans.begin(), chans.end(), [](const auto& c) {
            return c.kind == std::uint8_t(ChannelKind::Mpsc);
        });
        QVERIFY(mpsc != chans.end());
        // Each sender task sends once, one task (main_loop) receives every
        // event, and all are taken. (On the virtual clock main_loop takes
        // each event before the next sender runs: the level stays at 1.)
        QVERIFY(mpsc->sends >= 2);
        QCOMPARE(mpsc->sends, mpsc->recvs);
        QCOMPARE(mpsc->ops.back().level, 0);
        QVERIFY(mpsc->peak() >= 1);
        std::set<std::uint32_t> senders, receivers;
        for (const auto& o : mpsc->ops)
            (o.send ? senders : receivers).insert(o.task);
        QCOMPARE(senders.size(), std::size_t(mpsc->sends));
        for (const auto t : senders)
            QVERIFY2(real.task_label(t).startsWith(QStringLiteral("sender")),
                     qPrintable(real.task_label(t)));
        QCOMPARE(receivers.size(), std::size_t(1));
        QCOMPARE(real.task_label(*receivers.begin()), QStringLiteral("main_loop"));
        const auto bcast = std::find_if(chans.begin(), chans.end(), [](const auto& c) {
            return c.kind == std::uint8_t(ChannelKind::Broadcast);
        });
        QVERIFY(bcast != chans.end());
        QVERIFY(bcast->sends >= 1);
    }

    void no_channel_lanes_in_worker_lanes_or_without_channels() {
        TraceStore real;
        QVERIFY(test::record_example(QStringLiteral("executor"), real));
        TimelineView view;
        view.set_store(&real);
        view.set_lane_mode(TimelineView::LaneMode::Workers);
        paint_at_fit(view, real);
        QVERIFY(view.last_scene().resource_glyphs.empty());
        TraceStore join;
        QVERIFY(test::record_example(QStringLiteral("join"), join));
        QVERIFY(join.resource_lanes().channels().empty());
        TimelineView plain;
        plain.set_store(&join);
        paint_at_fit(plain, join);
        QVERIFY(plain.last_scene().resource_glyphs.empty());
        QVERIFY(!plain.last_scene().glyphs.empty());
    }
};

QTEST_MAIN(TestResourceLanesView)
#include "test_resource_lanes_view.moc"
