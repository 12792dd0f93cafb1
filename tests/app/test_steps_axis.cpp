// The step axis: every transition one step, idle stretches as breaks, and
// in the timeline at Fit every poll of the short teaching examples a bar at
// least 3 px wide in its outcome's colour.
#include "record_example.h"
#include "step_axis.h"
#include "timeline_palette.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QImage>
#include <QPainter>
#include <QtTest>

using namespace pollscope;
using namespace pollscope::app;
using trace::StepAxis;

using test::record_on_steps;

class TestStepsAxis : public QObject {
    Q_OBJECT
private slots:
    void warp_keeps_order_and_breaks_idle() {
        trace::Trace t;
        t.threads.push_back({1, 0, 0});
        auto ev = [&](std::int64_t ts, trace::EventKind k) {
            t.events.push_back({ts, 1, 0, 0, 0, k, 0});
        };
        ev(0, trace::EventKind::Spawn);
        ev(0, trace::EventKind::TaskName);
        ev(0, trace::EventKind::PollStart);
        ev(0, trace::EventKind::PollEnd);
        ev(100'000'000, trace::EventKind::Wake); // 100 ms later: a break
        ev(100'000'000, trace::EventKind::PollStart);
        ev(100'000'100, trace::EventKind::PollEnd);
        StepAxis axis;
        trace::TimelineModel model;
        model.load(t);
        const auto w = axis.build(model);
        QCOMPARE(w.events.size(), t.events.size());
        // Same instant, one step each; the name shares its spawn's step.
        QCOMPARE(w.events[0].ts, std::int64_t(0));
        QCOMPARE(w.events[1].ts, std::int64_t(0));
        QCOMPARE(w.events[2].ts, StepAxis::kStep);
        QCOMPARE(w.events[3].ts, 2 * StepAxis::kStep);
        QCOMPARE(axis.breaks().size(), std::size_t(1));
        QCOMPARE(axis.breaks()[0].real_gap, std::int64_t(100'000'000));
        QCOMPARE(w.events[4].ts, (3 + StepAxis::kBreakSteps) * StepAxis::kStep);
        for (std::size_t i = 0; i < w.events.size(); ++i)
            QCOMPARE(axis.real_time(w.events[i].ts), t.events[i].ts);
    }

    void every_poll_visible_at_fit_data() {
        QTest::addColumn<QString>("id");
        for (const char* id : {"join", "select", "timer-future", "executor"})
            QTest::newRow(id) << QString::fromLatin1(id);
    }
    void every_poll_visible_at_fit() {
        QFETCH(QString, id);
        TraceStore real, steps;
        StepAxis axis;
        QVERIFY(record_on_steps(id, real, axis, steps));
        QCOMPARE(steps.polls().size(), real.polls().size());

        TimelineView view;
        view.resize(1200, TimelineView::kRulerHeight +
                              int(steps.task_lanes().size() + 1) * TimelineView::kLaneHeight);
        view.set_step_axis(&steps, &axis, &real);
        view.fit();
        QImage image(view.size(), QImage::Format_RGB32);
        {
            QPainter p(&image);
            view.render_to(p);
        }
        const auto& m = view.mapping();
        for (const auto& b : steps.polls()) {
            QVERIFY(!b.open());
            const double x0 = m.to_x(b.start), x1 = m.to_x(b.end);
            QVERIFY2(x1 - x0 >= 3.0, qPrintable(QStringLiteral("poll %1 of task %2: %3 px")
                                                    .arg(b.number)
                                                    .arg(b.task)
                                                    .arg(x1 - x0)));
            // Its outcome's colour shows on the bar's middle row (markers
            // and arrows may cover parts of it, not all).
            const int y = TimelineView::kRulerHeight +
                          steps.task_lane(b.task) * TimelineView::kLaneHeight +
                          TimelineView::kLaneHeight / 2;
            const QRgb want = palette::outcome(b.outcome).rgb();
            bool seen = false;
            for (int x = int(std::ceil(x0)); x < int(x1) && !seen; ++x)
                seen = image.pixel(x, y) == want;
            QVERIFY2(seen, qPrintable(QStringLiteral("poll %1 of task %2 not in its colour")
                                          .arg(b.number)
                                          .arg(b.task)));
        }
    }

    void tooltip_says_what_a_pending_poll_waits_on_data() { every_poll_visible_at_fit_data(); }
    void tooltip_says_what_a_pending_poll_waits_on() {
        QFETCH(QString, id);
        TraceStore real, steps;
        StepAxis axis;
        QVERIFY(record_on_steps(id, real, axis, steps));
        TimelineView view;
        view.resize(1200, TimelineView::kRulerHeight +
                              int(steps.task_lanes().size() + 1) * TimelineView::kLaneHeight);
        view.set_step_axis(&steps, &axis, &real);
        view.fit();
        const auto& m = view.mapping();
        int pending = 0;
        for (std::uint32_t i = 0; i < steps.polls().size(); ++i) {
            const auto& b = steps.polls()[i];
            const QPoint at(int((m.to_x(b.start) + m.to_x(b.end)) / 2),
                            TimelineView::kRulerHeight +
                                steps.task_lane(b.task) * TimelineView::kLaneHeight +
                                TimelineView::kLaneHeight / 2);
            QCOMPARE(view.poll_at(at), int(i));
            const QString tip = view.tooltip_at(at);
            const QString waits = QString::fromStdString(real.waits_on_text(i));
            if (b.outcome == trace::Outcome::Pending) {
                ++pending;
                QVERIFY2(!waits.isEmpty(), qPrintable(tip));
                QVERIFY2(tip.contains(QStringLiteral("waits on <b>") + waits.toHtmlEscaped()),
                         qPrintable(tip));
            } else {
                QVERIFY2(!tip.contains(QStringLiteral("waits on")), qPrintable(tip));
            }
        }
        QVERIFY(pending > 0);
    }
};

QTEST_MAIN(TestStepsAxis)
#include "test_steps_axis.moc"
