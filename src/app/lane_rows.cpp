#include "lane_rows.h"

#include "trace_store.h"

#include <QPainter>

#include <algorithm>

namespace pollscope::app {

LaneList LaneRows::lanes(const TraceStore* store, bool tasks) const {
    static const std::vector<trace::Lane> none;
    if (!store)
        return {none, nullptr};
    if (!tasks)
        return {store->thread_lanes(), nullptr};
    const auto& lanes = store->task_lanes();
    if (!grouped_)
        return {lanes, nullptr};
    if (const Stamp now = stamp_of(*store); !(now == stamp_)) {
        order_ = trace::LaneOrder::by_parent(*store);
        stamp_ = now;
    }
    return {lanes, &order_};
}

LaneRows::Stamp LaneRows::stamp_of(const TraceStore& store) {
    const auto& lanes = store.task_lanes();
    Stamp s;
    s.store = &store;
    s.generation = store.generation();
    s.lanes = lanes.size();
    s.events = store.trace().events.size();
    s.start = store.start_ts();
    s.end = store.end_ts();
    if (!lanes.empty()) {
        s.first_key = lanes.front().key;
        s.last_key = lanes.back().key;
    }
    return s;
}

int paint_lane_nesting(QPainter& p, const LaneList& lanes, int row, int y, int height,
                       const QColor& colour) {
    constexpr int kStep = 10;     // px per level
    constexpr int kMaxLevels = 8; // deeper rows line up with the 8th level
    const int depth = std::min(lanes.depth(std::size_t(row)), kMaxLevels);
    if (depth == 0)
        return 0;
    const int next = std::size_t(row) + 1 < lanes.size()
                         ? std::min(lanes.depth(std::size_t(row) + 1), kMaxLevels)
                         : 0;
    p.save();
    p.setPen(QPen(colour, 1));
    const int mid = y + height / 2;
    for (int k = 1; k <= depth; ++k) {
        // Level k's bracket goes on while the next row is still inside it.
        const int x = 4 + (k - 1) * kStep + kStep / 2;
        p.drawLine(x, y, x, next >= k ? y + height : mid);
        if (k == depth)
            p.drawLine(x, mid, x + kStep / 2 + 1, mid);
    }
    p.restore();
    return depth * kStep;
}

} // namespace pollscope::app
