#pragma once
// Checks on what a TimelineView's last paint recorded (TimelineScene),
// shared by the timeline's GUI tests.

#include "timeline_scene.h"

#include <QtTest>

namespace pollscope::test {

/// No two labels of the scene overlap.
inline void check_labels_never_overlap(const app::TimelineScene& scene) {
    for (std::size_t i = 0; i < scene.labels.size(); ++i)
        for (std::size_t j = i + 1; j < scene.labels.size(); ++j)
            QVERIFY2(
                !scene.labels[i].rect.intersects(scene.labels[j].rect),
                qPrintable(scene.labels[i].text + QStringLiteral(" / ") + scene.labels[j].text));
}

} // namespace pollscope::test
