#pragma once
// TimelineScene: what the last paint of a TimelineView put where: a glyph
// per poll or group of polls, an arrow per wake, every label. Recorded only
// when asked (tests check the geometry a person sees, not pixels of a font).

#include <QColor>
#include <QPointF>
#include <QRect>
#include <QString>
#include <QVector>

#include <cstdint>
#include <vector>

namespace pollscope::app {

struct TimelineScene {
    struct Glyph {
        int lane = 0;
        QRect rect;
        QColor colour;
        int polls = 1;                // how many polls it stands for
        std::uint32_t first_poll = 0; // index in the drawn store's polls()
    };
    struct Arrow {
        std::uint32_t wake = 0; // index in the drawn store's wakes()
        int from_lane = -1;     // -1: from a plain thread
        int to_lane = 0;
        QPointF from, to;
    };
    enum class LabelKind { Mark, Waiting, Count };
    struct Label {
        int lane = 0;
        LabelKind kind = LabelKind::Mark;
        QRect rect;
        QString text;
    };
    /// A channel lane's tick glyph: the sends (a tick up) and recvs (down)
    /// of ops [first_op, first_op + sends + recvs) of one channel.
    struct ResourceGlyph {
        int row = 0;     // lane index, counted on from the task lanes
        int channel = 0; // index in the drawn store's resource_lanes().channels()
        QRect rect;      // both ticks' columns and rows
        int sends = 0, recvs = 0;
        std::uint32_t first_op = 0;
    };
    /// An arrow from a resource lane to the task its wake made runnable.
    struct ResourceArrow {
        int resource = 0;       // index in the view's resource_timelines()
        std::uint32_t task = 0; // the woken task
        int to_lane = 0;
        QPointF from, to;
    };
    std::vector<Glyph> glyphs;
    std::vector<Arrow> arrows;
    std::vector<Label> labels;
    std::vector<ResourceGlyph> resource_glyphs;
    std::vector<ResourceArrow> resource_arrows;
    /// A resource is selected: the task lanes drawn highlighted and dimmed.
    std::vector<int> highlighted_lanes, dimmed_lanes;
    /// Wake ticks (too many wakes in view for arrows): adjacent columns of a
    /// lane merged into one rectangle.
    QVector<QRect> wake_ticks;
    /// Resource wake ticks (too much line for arrows from resource lanes):
    /// at the bottom of the woken task lanes.
    QVector<QRect> resource_wake_ticks;
    /// The ruler's axis caption ("steps" or "real time").
    QString axis;

    void clear() {
        glyphs.clear();
        arrows.clear();
        labels.clear();
        resource_glyphs.clear();
        resource_arrows.clear();
        highlighted_lanes.clear();
        dimmed_lanes.clear();
        wake_ticks.clear();
        resource_wake_ticks.clear();
        axis.clear();
    }
};

} // namespace pollscope::app
