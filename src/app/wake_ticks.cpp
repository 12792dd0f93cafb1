#include "wake_ticks.h"

#include <algorithm>

namespace pollscope::app {

namespace {

QRect rect_of(int top, int x0, int x1) {
    return QRect(x0, top, x1 - x0 + 1, WakeTicks::kHeight);
}

} // namespace

WakeTicks::WakeTicks(int lanes)
    : open_(std::size_t(lanes > 0 ? lanes : 0)) {}

void WakeTicks::add(int lane, int top, int x) {
    if (lane < 0 || std::size_t(lane) >= open_.size())
        return;
    Run& r = open_[std::size_t(lane)];
    if (r.x1 >= r.x0 && r.top == top) {
        if (x >= r.x0 && x <= r.x1)
            return; // that column has its tick
        if (x == r.x1 + 1) {
            r.x1 = x;
            return;
        }
        if (x == r.x0 - 1) {
            r.x0 = x;
            return;
        }
    }
    if (r.x1 >= r.x0)
        done_.append(rect_of(r.top, r.x0, r.x1));
    r = Run{top, x, x};
}

bool WakeTicks::empty() const noexcept {
    return done_.isEmpty() &&
           std::none_of(open_.begin(), open_.end(), [](const Run& r) { return r.x1 >= r.x0; });
}

QVector<QRect> WakeTicks::rects() const {
    QVector<QRect> out = done_;
    for (const Run& r : open_)
        if (r.x1 >= r.x0)
            out.append(rect_of(r.top, r.x0, r.x1));
    return out;
}

} // namespace pollscope::app
