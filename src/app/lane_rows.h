#pragma once
// LaneRows: the order in which the timeline draws its lanes. As the store
// holds them, or, with grouping on, task lanes grouped by parent
// (trace::LaneOrder: each child right below its parent, with its depth for
// the header's indent). The grouped order is computed when first asked for
// after the store changed.

#include "lane_order.h"
#include "timeline_model.h"

#include <cstdint>
#include <vector>

class QColor;
class QPainter;

namespace pollscope::app {

class TraceStore;

/// The lanes in drawn order: row -> lane, indexable like the store's vector.
class LaneList {
public:
    LaneList(const std::vector<trace::Lane>& lanes, const trace::LaneOrder* order)
        : lanes_(&lanes)
        , order_(order) {}
    const trace::Lane& operator[](std::size_t row) const {
        return (*lanes_)[order_ ? order_->lane_of_row[row] : row];
    }
    std::size_t size() const noexcept { return lanes_->size(); }
    bool empty() const noexcept { return lanes_->empty(); }
    /// The row a lane (index in the store's vector) is drawn in; -1 stays -1.
    int row_of(int lane) const {
        return order_ && lane >= 0 ? int(order_->row_of_lane[std::size_t(lane)]) : lane;
    }
    /// A row's nesting depth (0 when not grouped).
    int depth(std::size_t row) const { return order_ ? order_->depth[row] : 0; }

private:
    const std::vector<trace::Lane>* lanes_;
    const trace::LaneOrder* order_;
};

class LaneRows {
public:
    void set_grouped(bool on) noexcept { grouped_ = on; }
    bool grouped() const noexcept { return grouped_; }
    /// The store changed (or was reloaded in place): order it again.
    void invalidate() noexcept { stamp_ = {}; }
    /// `store`'s task lanes (`tasks`) or thread lanes, in drawn order.
    LaneList lanes(const TraceStore* store, bool tasks) const;

private:
    /// What the grouped order was computed from: a store reloaded in place
    /// starts its generation again, so its size and ends are compared too.
    struct Stamp {
        const TraceStore* store = nullptr;
        std::uint64_t generation = 0;
        std::size_t lanes = 0, events = 0;
        std::int64_t start = 0, end = 0;
        std::uint32_t first_key = 0, last_key = 0;
        friend bool operator==(const Stamp&, const Stamp&) = default;
    };
    static Stamp stamp_of(const TraceStore& store);

    bool grouped_ = false;
    mutable trace::LaneOrder order_; // the grouped order of stamp_
    mutable Stamp stamp_;
};

/// Grouped lanes' headers: a bracket per parent, from its row down through
/// its subtree, and a tick to each child, in `colour`, for row `row` drawn
/// at `y` (`height` high). Returns the indent (px) the label moves right by:
/// 0 for a root or when not grouped.
int paint_lane_nesting(QPainter& p, const LaneList& lanes, int row, int y, int height,
                       const QColor& colour);

} // namespace pollscope::app
