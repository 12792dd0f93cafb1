#include "stats.h"

#include "stats_accumulator.h"
#include "timeline_model.h"

#include <algorithm>

namespace pollscope::trace {

std::string_view task_state_name(TaskState s) noexcept {
    switch (s) {
    case TaskState::Scheduled:
        return "scheduled";
    case TaskState::Running:
        return "running";
    case TaskState::Idle:
        return "idle";
    case TaskState::Done:
        return "done";
    case TaskState::Cancelled:
        return "cancelled";
    case TaskState::Failed:
        return "failed";
    }
    return "?";
}

std::string_view warning_name(WarningKind k) noexcept {
    switch (k) {
    case WarningKind::LongPoll:
        return "long poll";
    case WarningKind::NeverYielded:
        return "never yielded";
    case WarningKind::SelfWakes:
        return "self wakes";
    case WarningKind::LostWaker:
        return "lost waker";
    case WarningKind::Stuck:
        return "stuck";
    case WarningKind::LostMessage:
        return "lost message";
    case WarningKind::TaskFlood:
        return "task flood";
    }
    return "?";
}

DurationSummary summarize(std::vector<std::int64_t>& samples) {
    // One definition of the summary: the accumulator's (sorting first keeps
    // the documented effect on `samples` and makes the heaps' work minimal).
    std::sort(samples.begin(), samples.end());
    DurationAccumulator d;
    for (auto v : samples)
        d.add(v);
    return d.summary();
}

TraceStats compute_stats(const TimelineModel& model, const StatsOptions& options,
                         const std::stop_token& stop) {
    StatsAccumulator acc(options);
    acc.add(model, model.trace().events, stop);
    return acc.snapshot();
}

TraceStats compute_stats(const Trace& trace, const StatsOptions& options) {
    TimelineModel model;
    model.load(trace);
    return compute_stats(model, options);
}

} // namespace pollscope::trace
