#include "cpu_work.h"

#include <atomic>
#include <cstdint>

namespace pollscope {

void burn_cpu(Clock& clock, Duration d) {
    const Instant until = clock.now() + d;
    if (clock.is_virtual()) {
        clock.occupy_until(until);
        return;
    }
    // Real work the optimiser cannot drop: a running hash.
    std::uint64_t h = 1469598103934665603ull;
    while (clock.now() < until)
        for (int i = 0; i < 1000; ++i)
            h = (h ^ std::uint64_t(i)) * 1099511628211ull;
    static std::atomic<std::uint64_t> sink;
    sink.store(h, std::memory_order_relaxed);
}

void block_thread(Clock& clock, Duration d) {
    clock.occupy_until(clock.now() + d);
}

} // namespace pollscope
