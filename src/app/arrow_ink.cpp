#include "arrow_ink.h"

#include <algorithm>
#include <cmath>

namespace pollscope::app {

namespace {
/// An arrowhead's pixels, drawn whatever the line's length.
constexpr double kHeadInk = 6;
} // namespace

ArrowInk::ArrowInk(const QRect& plot)
    : plot_(plot)
    , budget_(std::max(double(plot.width()) * plot.height() / kAreaPerInk,
                       double(kFewLines) * (plot.height() + kHeadInk))) {}

void ArrowInk::add(QPointF from, QPointF to) {
    // The part of the line inside the plot's rows (arrows are near vertical
    // between lanes; an arc in one lane is as long as it is wide).
    const double top = plot_.top(), bottom = plot_.bottom() + 1;
    const double y0 = std::clamp(std::min(from.y(), to.y()), top, bottom);
    const double y1 = std::clamp(std::max(from.y(), to.y()), top, bottom);
    const double dx = std::abs(to.x() - from.x());
    ink_ += std::hypot(dx, y1 - y0) + kHeadInk;
}

} // namespace pollscope::app
