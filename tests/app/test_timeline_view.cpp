// TimelineView: level of detail on a big synthetic trace (every frame well
// under budget at any zoom), hit testing, lane modes.
#include "synthetic.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QtTest>

using namespace pollscope;
using namespace pollscope::app;

class TestTimelineView : public QObject {
    Q_OBJECT
private slots:
    void big_trace_paints_fast_at_any_zoom() {
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
        QVERIFY2(worst < 50, "a frame took far too long");
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
};

QTEST_MAIN(TestTimelineView)
#include "test_timeline_view.moc"
