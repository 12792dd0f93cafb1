#pragma once
// Checks on what a TimelineView's last paint recorded (TimelineScene),
// shared by the timeline's GUI tests, and the paint they check.

#include "timeline_scene.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QImage>
#include <QPainter>
#include <QtTest>

namespace pollscope::test {

/// Sizes `view` (1200 px wide) to show every task lane, the channels'
/// heading and every channel lane of `store`, fits, and paints it once,
/// recording the scene.
inline void paint_at_fit(app::TimelineView& view, const app::TraceStore& store) {
    const int rows =
        int(store.task_lanes().size() + 1 + store.resource_lanes().channels().size() + 1);
    view.resize(1200, app::TimelineView::kRulerHeight + rows * app::TimelineView::kLaneHeight);
    view.set_record_scene(true);
    view.fit();
    QImage image(view.size(), QImage::Format_RGB32);
    QPainter p(&image);
    view.render_to(p);
}

/// Top of lane `lane` when the first lane is in view.
inline int lane_top(int lane) {
    return app::TimelineView::kRulerHeight + lane * app::TimelineView::kLaneHeight;
}

/// No two labels of the scene overlap.
inline void check_labels_never_overlap(const app::TimelineScene& scene) {
    for (std::size_t i = 0; i < scene.labels.size(); ++i)
        for (std::size_t j = i + 1; j < scene.labels.size(); ++j)
            QVERIFY2(
                !scene.labels[i].rect.intersects(scene.labels[j].rect),
                qPrintable(scene.labels[i].text + QStringLiteral(" / ") + scene.labels[j].text));
}

} // namespace pollscope::test
