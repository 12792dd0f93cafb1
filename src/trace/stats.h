#pragma once
// Statistics derived from a trace: per task counts and times (as tokio-console
// shows them, and more) and warnings. The polls, and which wake made each
// runnable, are the TimelineModel's records (timeline_model.h).
//
// Time accounting of one task, between spawn and its end (or the trace's end):
//   scheduled  spawn -> first poll, and wake -> next poll (waiting for a worker)
//   busy       poll start -> poll end
//   idle       Pending poll end -> the wake that follows (waiting for an event)
// A wake that arrives while the task runs makes the gap after that poll
// scheduled time. busy + idle + scheduled == total.
//
// Warnings (all thresholds in StatsOptions):
//   LongPoll     a single poll ran longer than long_poll_ns (default 10 ms):
//                blocking work inside async code stalls its worker.
//   NeverYielded the task never returned Pending yet has been busy longer
//                than long_poll_ns in total: it runs a whole computation in
//                one poll (or is still inside its first poll at trace end).
//   SelfWakes    more than self_wake_ratio (50 %) of its wakes came from the
//                task itself (with at least min_wakes wakes): busy-looping.
//   LostWaker    an approximation: at the end of the trace the task is idle
//                (its last poll returned Pending), no wake came after that
//                poll, and it is neither done, cancelled nor failed. A task
//                legitimately waiting (a long timer, a channel nobody closed)
//                at the moment the trace ends is reported too; a real lost
//                waker is one nothing will ever call, which events cannot show.

#include "event.h"

#include <array>
#include <bit>
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

namespace pollscope::trace {

enum class TaskState : std::uint8_t { Scheduled, Running, Idle, Done, Cancelled, Failed };
std::string_view task_state_name(TaskState s) noexcept;

/// Distribution of durations (ns): exact percentiles and log2 buckets
/// (bucket i counts durations in [2^i, 2^(i+1)) ns; bucket 0 also holds 0).
struct DurationSummary {
    std::uint64_t count = 0;
    std::int64_t min = 0, max = 0, mean = 0, p50 = 0, p90 = 0, p99 = 0;
    std::array<std::uint32_t, 48> buckets{};
    friend bool operator==(const DurationSummary&, const DurationSummary&) = default;
};

/// The index of the bucket of DurationSummary::buckets a duration counts in.
inline std::size_t duration_bucket(std::int64_t ns) noexcept {
    constexpr std::size_t n = std::tuple_size_v<decltype(DurationSummary::buckets)>;
    const auto i = static_cast<std::size_t>(std::bit_width(std::uint64_t(ns < 1 ? 1 : ns)) - 1);
    return i < n ? i : n - 1;
}

// Stuck, LostMessage and TaskFlood come from whole-trace scans (stats_scan.h).
enum class WarningKind : std::uint8_t {
    LongPoll,
    NeverYielded,
    SelfWakes,
    LostWaker,
    Stuck,
    LostMessage,
    TaskFlood
};
inline constexpr int kWarningKindCount = 7;
std::string_view warning_name(WarningKind k) noexcept;

struct Warning {
    WarningKind kind = WarningKind::LongPoll;
    std::uint32_t task = 0;
    std::int64_t ts = 0;    // when it showed (the poll's start, or the trace's end)
    std::int64_t value = 0; // LongPoll/NeverYielded: ns; SelfWakes: percent; LostWaker: ns idle
    std::string message;    // one line for people
    friend bool operator==(const Warning&, const Warning&) = default;
};

struct TaskStats {
    std::uint32_t id = 0;
    std::uint32_t parent = 0;
    std::string name;                 // "" when unnamed
    std::uint32_t spawn_location = 0; // location id in the trace
    std::uint32_t last_await_site = 0;
    TaskState state = TaskState::Scheduled;

    std::uint64_t polls = 0;
    std::uint64_t pending_polls = 0;
    std::uint64_t wakes = 0;
    std::uint64_t self_wakes = 0;
    std::uint64_t yields = 0;

    std::int64_t spawned_at = 0; // first event of the task when no Spawn was seen
    std::int64_t ended_at = -1;  // -1: still alive at the trace end
    std::int64_t busy_ns = 0;
    std::int64_t idle_ns = 0;
    std::int64_t scheduled_ns = 0;
    std::int64_t total_ns = 0;

    std::vector<std::uint16_t> threads; // thread indexes it was polled on, ascending
    DurationSummary poll_times;
    DurationSummary scheduled_times;
    std::uint32_t warnings = 0; // bit (1 << WarningKind)
    friend bool operator==(const TaskStats&, const TaskStats&) = default;
};

struct StatsOptions {
    std::int64_t long_poll_ns = 10'000'000;
    double self_wake_ratio = 0.5;
    std::uint64_t min_wakes = 4;
    /// End of the observation; -1: the last event's timestamp.
    std::int64_t end_ts = -1;
};

struct TraceStats {
    std::vector<TaskStats> tasks;  // by id
    std::vector<Warning> warnings; // by time, then task
    std::int64_t start_ts = 0, end_ts = 0;
    std::uint64_t events = 0;
    friend bool operator==(const TraceStats&, const TraceStats&) = default;
};

class TimelineModel;

/// One StatsAccumulator::add() of the whole model and a snapshot()
/// (stats_accumulator.h): a live trace's statistics are kept up to date
/// drain by drain there instead.
/// A stop requested on `stop` ends it early with unfinished numbers.
TraceStats compute_stats(const TimelineModel& model, const StatsOptions& options = {},
                         const std::stop_token& stop = {});
/// The same of a model built from `trace` (its events in any order).
TraceStats compute_stats(const Trace& trace, const StatsOptions& options = {});

/// Summary of a set of durations (modifies the order of `samples`).
DurationSummary summarize(std::vector<std::int64_t>& samples);

} // namespace pollscope::trace
