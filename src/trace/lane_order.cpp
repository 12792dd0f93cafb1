#include "lane_order.h"

#include "spawn_tree.h"
#include "timeline_model.h"

#include <algorithm>
#include <numeric>

namespace pollscope::trace {

LaneOrder LaneOrder::by_parent(const TimelineModel& model) {
    const auto& lanes = model.task_lanes();
    const auto n = std::uint32_t(lanes.size());
    // Nodes in spawn order: a parent comes before its children (spawned
    // earlier, or at the same instant with a smaller id).
    std::vector<std::uint32_t> lane_of_node(n);
    std::iota(lane_of_node.begin(), lane_of_node.end(), 0u);
    std::sort(lane_of_node.begin(), lane_of_node.end(), [&](std::uint32_t a, std::uint32_t b) {
        const auto &x = lanes[a], &y = lanes[b];
        return x.first != y.first ? x.first < y.first : x.key < y.key;
    });
    std::vector<std::uint32_t> node_of_lane(n);
    for (std::uint32_t i = 0; i < n; ++i)
        node_of_lane[lane_of_node[i]] = i;
    std::vector<std::uint32_t> parent(n, SpawnTree::kNone);
    for (std::uint32_t i = 0; i < n; ++i) {
        const auto& lane = lanes[lane_of_node[i]];
        if (lane.parent == 0)
            continue;
        if (const int pl = model.task_lane(lane.parent); pl >= 0)
            parent[i] = node_of_lane[std::size_t(pl)];
    }
    std::vector<std::uint32_t> nodes;
    LaneOrder out;
    SpawnTree(parent).depth_first(nodes, out.depth);
    out.lane_of_row.resize(n);
    out.row_of_lane.resize(n);
    for (std::uint32_t row = 0; row < n; ++row) {
        out.lane_of_row[row] = lane_of_node[nodes[row]];
        out.row_of_lane[out.lane_of_row[row]] = row;
    }
    return out;
}

} // namespace pollscope::trace
