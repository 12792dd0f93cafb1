#include "spawn_tree.h"

#include <algorithm>
#include <limits>
#include <ranges>
#include <utility>

namespace pollscope::trace {

SpawnTree::SpawnTree(std::span<const std::uint32_t> parent_of)
    : parent_(parent_of.begin(), parent_of.end())
    , position_(parent_of.size(), 0)
    , first_child_(parent_of.size() + 1, 0) {
    const auto n = std::uint32_t(parent_.size());
    for (std::uint32_t i = 0; i < n; ++i)
        if (parent_[i] >= i) // not before its child: a root (see the header)
            parent_[i] = kNone;
    // Counting sort of the nodes by parent: children_ in node order per parent.
    for (std::uint32_t i = 0; i < n; ++i)
        if (parent_[i] != kNone)
            ++first_child_[parent_[i] + 1];
    for (std::uint32_t i = 0; i < n; ++i)
        first_child_[i + 1] += first_child_[i];
    children_.resize(first_child_[n]);
    std::vector<std::uint32_t> fill(first_child_.begin(), first_child_.end() - 1);
    for (std::uint32_t i = 0; i < n; ++i) {
        if (const auto p = parent_[i]; p != kNone) {
            position_[i] = fill[p] - first_child_[p];
            children_[fill[p]++] = i;
        } else {
            position_[i] = std::uint32_t(roots_.size());
            roots_.push_back(i);
        }
    }
}

std::span<const std::uint32_t> SpawnTree::children(std::uint32_t node) const noexcept {
    return {children_.data() + first_child_[node], first_child_[node + 1] - first_child_[node]};
}

void SpawnTree::depth_first(std::vector<std::uint32_t>& order,
                            std::vector<std::uint16_t>& depth) const {
    order.clear();
    depth.clear();
    order.reserve(size());
    depth.reserve(size());
    // An explicit stack (a chain of a million spawns must not overflow the
    // call stack), pushed in reverse so the first child comes out first.
    std::vector<std::pair<std::uint32_t, std::uint16_t>> stack;
    for (const auto root : std::views::reverse(roots_))
        stack.emplace_back(root, 0);
    constexpr auto kMaxDepth = std::numeric_limits<std::uint16_t>::max();
    while (!stack.empty()) {
        const auto [node, d] = stack.back();
        stack.pop_back();
        order.push_back(node);
        depth.push_back(d);
        for (const auto kid : std::views::reverse(children(node)))
            stack.emplace_back(kid, std::uint16_t(std::min<int>(d + 1, kMaxDepth)));
    }
}

} // namespace pollscope::trace
