#pragma once
// LaneOrder: the timeline's task lanes grouped by parent: depth first along
// the spawn tree, each child right below its parent, siblings (and roots) in
// spawn order (lane start, then id). Maps a drawn row to its lane and back,
// and tells each row's depth (the lane header's indent).

#include <cstdint>
#include <vector>

namespace pollscope::trace {

class TimelineModel;

struct LaneOrder {
    std::vector<std::uint32_t> lane_of_row; // row -> index in task_lanes()
    std::vector<std::uint32_t> row_of_lane; // index in task_lanes() -> row
    std::vector<std::uint16_t> depth;       // per row: 0 for a root

    /// The order of `model`'s task lanes, grouped by parent.
    static LaneOrder by_parent(const TimelineModel& model);
};

} // namespace pollscope::trace
