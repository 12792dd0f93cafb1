#pragma once
// TaskDetails: what the task details panel shows of one task (tokio-console's
// task view, and more), read from the timeline model and the statistics:
// its poll-duration and scheduled-delay histograms (the statistics' log2
// buckets, trimmed to the ones that hold samples, with p50/p90/p99), where
// it awaited and how often, the resources it waited on and for how long
// (resource_table.h counts waits the same way), its parent and children,
// and its warnings each with what it means.

#include "stats.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pollscope::trace {

class TimelineModel;

/// One bucket of a DurationSummary: durations in [lo, hi) ns.
struct HistogramBucket {
    std::int64_t lo = 0, hi = 0;
    std::uint32_t count = 0;
    friend bool operator==(const HistogramBucket&, const HistogramBucket&) = default;
};

/// The summary's buckets from the first that holds a sample to the last
/// (the empty ones between kept, so the axis stays logarithmic); none when
/// it has no samples.
std::vector<HistogramBucket> histogram_buckets(const DurationSummary& d);

struct AwaitSiteCount {
    std::uint32_t site = 0;   // await-site location id (0: unknown)
    std::uint64_t waits = 0;  // Pending polls that stopped there
    std::int64_t wait_ns = 0; // the waits after them, summed
};

struct ResourceWaits {
    std::uint32_t resource = 0; // resource id (0: polls that named none)
    std::uint8_t kind = 0;      // pollscope::ResourceKind
    std::string name;           // resource_name()
    std::uint64_t waits = 0;
    std::int64_t wait_ns = 0;
    bool waiting_now = false; // the task waits on it at the end (or now)
};

struct TaskDetails {
    bool found = false; // the task is in the statistics
    TaskStats stats;
    std::uint32_t parent = 0;             // 0: none
    std::vector<std::uint32_t> children;  // ascending
    std::vector<AwaitSiteCount> sites;    // most waits first
    std::vector<ResourceWaits> resources; // longest total wait first
    std::vector<Warning> warnings;        // by time
};

/// The details of `task`. `now`: the end of the observation (-1: the
/// model's last event; a live run's present).
TaskDetails task_details(const TimelineModel& model, const TraceStats& stats, std::uint32_t task,
                         std::int64_t now = -1);

/// One sentence that tells what a warning means and what usually causes it.
std::string_view warning_explanation(WarningKind kind) noexcept;

} // namespace pollscope::trace
