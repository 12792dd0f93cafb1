#pragma once
// Warnings found by one scan over a whole trace, beside those of the
// statistics (stats.h): mistakes the per-task counters cannot see.
//
//   Stuck        a task was cancelled after waiting at least stuck_ns with
//                no wake since its last (Pending) poll: nothing was going to
//                wake it (a signal sent before it listened, a lost waker on
//                a runtime that keeps the task). A task that legitimately
//                waited that long before a Reset is reported too.
//   LostMessage  a task received from a channel in its last poll and was
//                then cancelled before it ended: what it took is gone (a
//                cancel-unsafe select branch). A loop that had already
//                handled what it received is reported too.
//   TaskFlood    more than flood_children tasks spawned by one task were
//                alive at once: nothing bounds them (a task per event with
//                no backpressure). Reported on the parent.

#include "stats.h"

#include <cstdint>
#include <vector>

namespace pollscope::trace {

struct ScanOptions {
    std::int64_t stuck_ns = 500'000'000;
    std::uint32_t flood_children = 200;
};

class TimelineModel;

/// The scan's warnings, by time: read from the model's polls, wakes,
/// markers and lifetimes (and the trace's channel receives).
std::vector<Warning> scan_warnings(const TimelineModel& model, const ScanOptions& options = {});
/// The same of a model built from `trace`.
std::vector<Warning> scan_warnings(const Trace& trace, const ScanOptions& options = {});
/// Adds scan_warnings() to `stats` (warnings kept by time, task bits set).
void add_scan_warnings(const TimelineModel& model, TraceStats& stats,
                       const ScanOptions& options = {});
void add_scan_warnings(const Trace& trace, TraceStats& stats, const ScanOptions& options = {});

} // namespace pollscope::trace
