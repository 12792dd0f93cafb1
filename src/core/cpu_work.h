#pragma once
// Work that keeps a thread busy without awaiting: CPU work and blocking calls.
// On a real clock they really burn CPU or really block; on a virtual clock
// they are modelled: the thread is occupied for exactly that much virtual
// time (Clock::occupy_until), so runs stay exact and durations add up as they
// would on real cores. The caller must hold the clock (a runtime worker
// inside a poll does; so does a blocking-pool job).

#include "clock.h"

namespace pollscope {

/// Computes for `d` on this thread (a real busy loop on a real clock).
void burn_cpu(Clock& clock, Duration d);
/// Blocks this thread for `d` (std::this_thread::sleep_for on a real clock):
/// the synchronous sleep or file copy that must not run on a worker.
void block_thread(Clock& clock, Duration d);

} // namespace pollscope
