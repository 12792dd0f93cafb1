#include "resource_wake_index.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace pollscope::app {

ResourceWakeIndex::ResourceWakeIndex(const trace::ResourceTimeline& r) {
    for (std::uint32_t i = 0; i < r.waits.size(); ++i)
        if (r.waits[i].woken > r.waits[i].from)
            by_time_.push_back({r.waits[i].woken, r.waits[i].task, i});
    by_task_ = by_time_;
    std::sort(by_time_.begin(), by_time_.end(), [](const Entry& a, const Entry& b) {
        return std::pair(a.woken, a.wait) < std::pair(b.woken, b.wait);
    });
    std::sort(by_task_.begin(), by_task_.end(), [](const Entry& a, const Entry& b) {
        return std::tie(a.task, a.woken, a.wait) < std::tie(b.task, b.woken, b.wait);
    });
}

std::span<const ResourceWakeIndex::Entry> ResourceWakeIndex::woken_in(std::int64_t t0,
                                                                      std::int64_t t1) const {
    const auto a = std::lower_bound(by_time_.begin(), by_time_.end(), t0,
                                    [](const Entry& e, std::int64_t t) { return e.woken < t; });
    const auto b = std::upper_bound(a, by_time_.end(), t1,
                                    [](std::int64_t t, const Entry& e) { return t < e.woken; });
    return {a, b};
}

std::span<const ResourceWakeIndex::Entry>
ResourceWakeIndex::woken_in(std::uint32_t task, std::int64_t t0, std::int64_t t1) const {
    using Key = std::pair<std::uint32_t, std::int64_t>;
    const auto a =
        std::lower_bound(by_task_.begin(), by_task_.end(), Key(task, t0),
                         [](const Entry& e, const Key& k) { return Key(e.task, e.woken) < k; });
    const auto b =
        std::upper_bound(a, by_task_.end(), Key(task, t1),
                         [](const Key& k, const Entry& e) { return k < Key(e.task, e.woken); });
    return {a, b};
}

} // namespace pollscope::app
