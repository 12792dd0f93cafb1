#pragma once
// The timeline's colours: one definition for the painter, the legend and the
// tests. The data colours (outcomes, wakes, markers) mean the same in every
// theme; the surfaces they are drawn on follow the widget's QPalette, so a
// dark theme stays readable (surfaces()).

#include "event.h"

#include <QColor>
#include <QPalette>

#include <cmath>

namespace pollscope::app::palette {

inline const QColor kPending(0x4a, 0x7f, 0xd0);
inline const QColor kPendingDense(0x2f, 0x5f, 0xb0);
inline const QColor kReady(0x2e, 0xa0, 0x4f);
inline const QColor kFailed(0xd0, 0x3a, 0x30);
inline const QColor kRunning(0x9a, 0x6a, 0xd8);
inline const QColor kWait(0xa8, 0xae, 0xb6);
inline const QColor kWake(0xe0, 0x80, 0x10);
inline const QColor kSpawn(0x30, 0x90, 0x40);
inline const QColor kCancel = kFailed;
inline const QColor kShutdown(0x8e, 0x3c, 0xc8);
inline const QColor kMark(0x1a, 0x6a, 0x9a);
inline const QColor kYield(0x70, 0x70, 0x70);

/// The colour of a closed poll's bar.
inline QColor outcome(trace::Outcome o) {
    return o == trace::Outcome::Ready ? kReady : o == trace::Outcome::Failed ? kFailed : kPending;
}

/// `a` moved `t` (0..1) of the way to `b`.
inline QColor blend(const QColor& a, const QColor& b, double t) {
    const auto mix = [t](int x, int y) { return int(std::lround(x + (y - x) * t)); };
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

/// What the timeline's data is drawn on, fitted to a palette: the
/// background is the palette's Base and everything else a shade between it
/// and its Text, so a light and a dark theme both keep their contrast.
struct Surfaces {
    QColor background;    // lanes
    QColor lane_alt;      // every other lane
    QColor lane_selected; // the selected task's lane
    QColor grid;          // vertical lines at the ruler's ticks
    QColor text;          // labels
    QColor dim_text;      // secondary labels (ruler breaks, the empty view)
    QColor tick;          // the ruler's tick marks
    QColor ruler;         // the ruler's background
    QColor labels;        // the lane labels' column
    QColor line;          // the ruler's and label column's edges
    QColor hatch;         // steps axis: the idle stretches' hatching
    QColor mark_text;     // a Mark's label
};

inline Surfaces surfaces(const QPalette& p) {
    const QColor base = p.color(QPalette::Base), text = p.color(QPalette::Text);
    Surfaces s;
    s.background = base;
    s.lane_alt = blend(base, text, 0.035);
    s.lane_selected = blend(base, p.color(QPalette::Highlight), 0.18);
    s.grid = blend(base, text, 0.11);
    s.text = blend(base, text, 0.88);
    s.dim_text = blend(base, text, 0.58);
    s.tick = blend(base, text, 0.45);
    s.ruler = blend(base, text, 0.06);
    s.labels = blend(base, text, 0.02);
    s.line = blend(base, text, 0.2);
    s.hatch = blend(base, text, 0.32);
    s.hatch.setAlpha(90);
    s.mark_text = blend(kMark, text, 0.4);
    return s;
}

} // namespace pollscope::app::palette
