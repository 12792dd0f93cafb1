#include "resource.h"

namespace pollscope {

ResourceId next_resource_id() noexcept {
    static std::atomic<ResourceId> next{1};
    ResourceId id = next.fetch_add(1, std::memory_order_relaxed);
    if (id == 0) [[unlikely]] // wrapped after 4 billion: 0 stays "none"
        id = next.fetch_add(1, std::memory_order_relaxed);
    return id;
}

ResourceId Resource::take_id() const noexcept {
    ResourceId expected = 0;
    const ResourceId mine = next_resource_id();
    // Two threads may race to name it: the first id stays.
    if (id_.compare_exchange_strong(expected, mine, std::memory_order_relaxed))
        return mine;
    return expected;
}

const Resource& yield_resource() noexcept {
    static const Resource r(ResourceKind::Yield);
    return r;
}

const Resource& timer_future_resource() noexcept {
    static const Resource r(ResourceKind::TimerFuture);
    return r;
}

} // namespace pollscope
