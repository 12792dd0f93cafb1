#include "label_space.h"

#include <algorithm>
#include <cstddef>

namespace pollscope::app {

void LabelSpace::reset(int lanes) {
    for (auto& row : taken_)
        row.clear();
    taken_.resize(std::size_t(std::max(0, lanes)) * 2);
}

bool LabelSpace::claim(int lane, Row row, int x0, int x1) {
    const std::size_t i = std::size_t(lane) * 2 + std::size_t(row);
    if (lane < 0 || i >= taken_.size() || x1 <= x0)
        return false;
    auto& spans = taken_[i];
    // The first span ending after x0 is the only one that can overlap.
    auto it = std::lower_bound(spans.begin(), spans.end(), x0,
                               [](const std::pair<int, int>& s, int x) { return s.second <= x; });
    if (it != spans.end() && it->first < x1)
        return false;
    spans.insert(it, {x0, x1});
    return true;
}

} // namespace pollscope::app
