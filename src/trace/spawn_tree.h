#pragma once
// SpawnTree: who spawned whom, as a tree over nodes 0..n-1 (task table rows,
// timeline lanes). Built once in O(n) from each node's parent node; a parent
// counts only when it comes before its child in node order (a task is
// spawned after its parent, so its row or lane comes later): a trace that
// says otherwise (a cycle in an imported file) cannot make a node its own
// ancestor, the node becomes a root instead. Children and roots are listed
// in node order.

#include <cstdint>
#include <span>
#include <vector>

namespace pollscope::trace {

class SpawnTree {
public:
    static constexpr std::uint32_t kNone = 0xffffffffu;

    SpawnTree() = default;
    /// `parent_of[i]`: node i's parent node, or kNone.
    explicit SpawnTree(std::span<const std::uint32_t> parent_of);

    std::size_t size() const noexcept { return parent_.size(); }
    std::span<const std::uint32_t> roots() const noexcept { return roots_; }
    std::span<const std::uint32_t> children(std::uint32_t node) const noexcept;
    /// The node's parent, or kNone (a root).
    std::uint32_t parent(std::uint32_t node) const noexcept { return parent_[node]; }
    /// Where the node is among its parent's children (or among the roots).
    std::uint32_t position(std::uint32_t node) const noexcept { return position_[node]; }
    /// Every node, each followed by its subtree (children in node order),
    /// with its depth (0: a root); `order` and `depth` are replaced.
    void depth_first(std::vector<std::uint32_t>& order, std::vector<std::uint16_t>& depth) const;

private:
    std::vector<std::uint32_t> parent_;
    std::vector<std::uint32_t> position_;
    std::vector<std::uint32_t> first_child_; // size() + 1 offsets into children_
    std::vector<std::uint32_t> children_;
    std::vector<std::uint32_t> roots_;
};

} // namespace pollscope::trace
