#pragma once
// Synthetic traces for benchmarks and tests: deterministic, plausible event
// sequences (spawns, polls ending Pending/Ready, wakes from other tasks and
// threads, marks) over several threads.

#include "event.h"

#include <cstddef>
#include <cstdint>

namespace pollscope::trace {

/// About n events (exactly n, trimmed), `tasks` tasks on `threads` threads.
Trace make_synthetic_trace(std::size_t n, std::uint32_t tasks = 1000, std::uint16_t threads = 4,
                           std::uint64_t seed = 1);

} // namespace pollscope::trace
