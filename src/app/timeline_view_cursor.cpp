// TimelineView's rewind cursor: a vertical line, with a handle in the ruler,
// between the last event before the cursor and the first after it; a press
// on the ruler (or on the line) and a drag scrub (the window moves the
// cursor to the event at that time: scrubbed()).
#include "timeline_view.h"
#include "trace_store.h"

#include <QPainter>
#include <QPolygonF>

#include <cmath>

namespace pollscope::app {

namespace {
/// Within this many pixels of the line a press drags the cursor.
constexpr double kGrabPx = 4;
const QColor kCursor(0x00, 0x80, 0x80);
} // namespace

void TimelineView::set_rewind_cursor(std::int64_t c) {
    if (c == cursor_)
        return;
    cursor_ = c;
    update();
}

std::int64_t TimelineView::cursor_time() const {
    if (cursor_ < 0 || !store_ || store_->empty())
        return -1;
    const auto& ev = store_->trace().events;
    const auto n = std::int64_t(ev.size());
    if (cursor_ == 0)
        return ev.front().ts;
    if (cursor_ >= n)
        return ev.back().ts;
    // Between the two events (on the steps axis half a step from each).
    const std::int64_t a = ev[std::size_t(cursor_ - 1)].ts, b = ev[std::size_t(cursor_)].ts;
    return a + (b - a) / 2;
}

void TimelineView::paint_cursor(QPainter& p, int height) const {
    const std::int64_t t = cursor_time();
    if (t < 0)
        return;
    const double x = map_.to_x(t);
    if (x < map_.left - 1 || x > map_.left + map_.width + 1)
        return;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(kCursor, 2));
    p.drawLine(QPointF(x, kRulerHeight - 6), QPointF(x, height));
    // The handle: a downward triangle in the ruler.
    p.setPen(Qt::NoPen);
    p.setBrush(kCursor);
    p.drawPolygon(QPolygonF({QPointF(x - 6, 2), QPointF(x + 6, 2), QPointF(x, kRulerHeight - 4)}));
    p.restore();
}

bool TimelineView::scrub_press(QPoint pos) {
    if (!scrub_enabled_ || !store_ || store_->empty() || pos.x() < map_.left)
        return false;
    const std::int64_t t = cursor_time();
    const bool on_line = t >= 0 && std::abs(map_.to_x(t) - pos.x()) <= kGrabPx;
    if (pos.y() >= kRulerHeight && !on_line)
        return false;
    scrubbing_ = true;
    dragging_ = false;
    emit scrubbed(map_.to_time(pos.x()));
    return true;
}

bool TimelineView::scrub_move(QPoint pos) {
    if (!scrubbing_)
        return false;
    emit scrubbed(map_.to_time(std::max(pos.x(), map_.left)));
    return true;
}

} // namespace pollscope::app
