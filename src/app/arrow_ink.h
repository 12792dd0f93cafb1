#pragma once
// ArrowInk: whether the wake arrows of a frame read as arrows. Each arrow
// costs the pixels of its line that fall inside the plot; once their sum
// passes a share of the plot's area, the lines no longer tell one wake from
// another and hide the lanes they cross (unbounded-spawn at Fit: hundreds of
// handlers, on lanes below the view, wake the producer at its top, and the
// mutex's lane wakes every handler from the bottom: two solid blocks of
// lines). The timeline then draws a tick per wake at the lane it woke
// (WakeTicks) instead: the same wakes, where they happened, and the lanes
// stay readable. A few long arrows, or many short ones, still draw.

#include <QPointF>
#include <QRect>

namespace pollscope::app {

class ArrowInk {
public:
    /// Lines may take 1/kAreaPerInk of the plot's pixels, and at least
    /// kFewLines lines across the whole plot always read (a narrow plot).
    static constexpr int kAreaPerInk = 20;
    static constexpr int kFewLines = 12;

    /// `plot`: the area arrows are drawn in (lines outside it are clipped).
    explicit ArrowInk(const QRect& plot);
    /// An arrow from `from` to `to` (either end may lie outside the plot).
    void add(QPointF from, QPointF to);
    /// The arrows added so far read as arrows.
    bool readable() const noexcept { return ink_ <= budget_; }
    double ink() const noexcept { return ink_; }

private:
    QRect plot_;
    double ink_ = 0, budget_ = 0;
};

} // namespace pollscope::app
