// Every transition visible at Fit, checked on the geometry the timeline
// records for its last paint (TimelineScene), not on pixels of one font:
// a glyph for every poll (steps) or group of polls (real time), an arrow
// for every wake, waiting labels saying what a task waits on, and labels
// that never overlap.
#include "example_registry.h"
#include "record_example.h"
#include "scene_checks.h"
#include "step_axis.h"
#include "timeline_palette.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QtTest>

#include <algorithm>

using namespace pollscope;
using namespace pollscope::app;
using test::check_labels_never_overlap;
using trace::StepAxis;

namespace {

using test::lane_top;
using test::paint_at_fit;

/// Every wake that caused a poll has an arrow.
void check_every_wake_has_an_arrow(const TraceStore& store, const TimelineScene& scene) {
    int caused = 0;
    for (std::uint32_t k = 0; k < store.wakes().size(); ++k) {
        if (store.wakes()[k].caused == trace::kNoIndex)
            continue;
        ++caused;
        const bool drawn = std::any_of(scene.arrows.begin(), scene.arrows.end(),
                                       [k](const auto& a) { return a.wake == k; });
        QVERIFY2(drawn, qPrintable(QStringLiteral("wake %1 of task %2 has no arrow")
                                       .arg(k)
                                       .arg(store.wakes()[k].woken)));
    }
    QVERIFY(caused > 0);
    // An arrow from a plain thread or the task itself is an arc inside its
    // lane (never into the lane above or the ruler), a few pixels wide.
    for (const auto& a : scene.arrows) {
        if (a.from_lane >= 0 && a.from_lane != a.to_lane)
            continue;
        const int top = lane_top(a.to_lane);
        QVERIFY(a.from.y() >= top && a.from.y() <= top + TimelineView::kLaneHeight);
        QVERIFY(a.to.y() >= top && a.to.y() <= top + TimelineView::kLaneHeight);
        QVERIFY(a.to.x() - a.from.x() >= 4);
    }
}

} // namespace

class TestTimelineGlyphs : public QObject {
    Q_OBJECT
private slots:
    void teaching_examples_data() {
        QTest::addColumn<QString>("id");
        for (const char* id : {"join", "select", "timer-future", "executor"})
            QTest::newRow(id) << QString::fromLatin1(id);
    }

    void steps_every_poll_a_bar_and_every_wake_an_arrow_data() { teaching_examples_data(); }
    void steps_every_poll_a_bar_and_every_wake_an_arrow() {
        QFETCH(QString, id);
        TraceStore real, steps;
        StepAxis axis;
        QVERIFY(test::record_on_steps(id, real, axis, steps));
        TimelineView view;
        view.set_step_axis(&steps, &axis, &real);
        paint_at_fit(view, steps);
        const auto& scene = view.last_scene();
        for (std::uint32_t i = 0; i < steps.polls().size(); ++i) {
            const auto& b = steps.polls()[i];
            const auto g = std::find_if(scene.glyphs.begin(), scene.glyphs.end(),
                                        [i](const auto& g) { return g.first_poll == i; });
            QVERIFY2(g != scene.glyphs.end(),
                     qPrintable(QStringLiteral("poll %1 of task %2").arg(b.number).arg(b.task)));
            QCOMPARE(g->polls, 1);
            QVERIFY(g->rect.width() >= 3);
            QCOMPARE(g->colour, palette::outcome(b.outcome));
            QCOMPARE(g->lane, steps.task_lane(b.task));
        }
        check_every_wake_has_an_arrow(steps, scene);
        check_labels_never_overlap(scene);
    }

    void real_time_a_glyph_per_poll_group_data() { teaching_examples_data(); }
    void real_time_a_glyph_per_poll_group() {
        QFETCH(QString, id);
        TraceStore real;
        QVERIFY(test::record_example(id, real));
        TimelineView view;
        view.set_store(&real);
        paint_at_fit(view, real);
        const auto& scene = view.last_scene();
        for (int l = 0; l < int(real.task_lanes().size()); ++l) {
            const auto& polls = real.task_lanes()[std::size_t(l)].polls;
            std::vector<TimelineScene::Glyph> glyphs;
            for (const auto& g : scene.glyphs)
                if (g.lane == l)
                    glyphs.push_back(g);
            std::sort(glyphs.begin(), glyphs.end(),
                      [](const auto& a, const auto& b) { return a.rect.left() < b.rect.left(); });
            // The glyphs take the lane's polls in order, each poll once; each
            // is a few pixels wide and a pixel stays free between two.
            std::size_t next = 0;
            for (std::size_t k = 0; k < glyphs.size(); ++k) {
                QVERIFY(next < polls.size());
                QCOMPARE(glyphs[k].first_poll, polls[next]);
                next += std::size_t(glyphs[k].polls);
                QVERIFY(glyphs[k].rect.width() >= 4);
                if (k > 0)
                    QVERIFY(glyphs[k].rect.left() > glyphs[k - 1].rect.right() + 1);
                const auto& last = real.polls()[polls[next - 1]];
                if (glyphs[k].polls == 1)
                    QCOMPARE(glyphs[k].colour, palette::outcome(last.outcome));
            }
            QCOMPARE(next, polls.size());
        }
        check_every_wake_has_an_arrow(real, scene);
        check_labels_never_overlap(scene);
    }

    void waiting_labels_say_what_join_waits_on() {
        TraceStore real;
        QVERIFY(test::record_example(QStringLiteral("join"), real));
        TimelineView view;
        view.set_store(&real);
        paint_at_fit(view, real);
        QStringList waiting;
        for (const auto& l : view.last_scene().labels)
            if (l.kind == TimelineScene::LabelKind::Waiting)
                waiting << l.text;
        QCOMPARE(waiting, (QStringList{QStringLiteral("sleep until 100.0 ms"),
                                       QStringLiteral("sleep until 200.0 ms"),
                                       QStringLiteral("sleep until 300.0 ms")}));
    }

    void labels_never_overlap_in_any_example_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("on_steps");
        for (const auto& e : examples::examples()) {
            QTest::newRow(qPrintable(e.id + QStringLiteral(" real"))) << e.id << false;
            QTest::newRow(qPrintable(e.id + QStringLiteral(" steps"))) << e.id << true;
        }
    }
    void labels_never_overlap_in_any_example() {
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
        paint_at_fit(view, on_steps ? steps : real);
        QVERIFY(!view.last_scene().glyphs.empty());
        check_labels_never_overlap(view.last_scene());
    }
};

QTEST_MAIN(TestTimelineGlyphs)
#include "test_timeline_glyphs.moc"
