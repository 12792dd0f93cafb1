#pragma once
// ResourceTimeline: each resource of a run (resource_rows(): its channels,
// then every other resource a Pending poll waited on) over time, for the
// timeline's resource lanes: the stretches in which tasks waited on it, the
// wake that ended each (the resource's event that made the task runnable:
// the lanes draw an arrow from it to the task), how many tasks waited at
// each moment, a sleep's deadline, a JoinHandle's joined task, and a
// broadcast's subscribers, how far each fell behind, and which of its sends
// were the shutdown signal.
//
// A broadcast's subscribers are the tasks that received from it, waited on
// it or lagged. The trace records each receiver's subscribe and drop and
// each Lagged{missed} (BroadcastSubscribe...): a subscriber's lag at a
// moment is the values sent between its subscribe and its drop that it has
// neither received nor missed. A receiver moves between tasks unrecorded
// (subscribed by a parent, handed to the task it spawns): a subscriber's
// subscribe is its own latest before its first use, else the latest not
// taken by another. A file without these events (older, or subscribes made
// outside any poll) falls back to inference: lag counted from the
// channel's first send, so one that subscribed late reads as behind.

#include "resource_lanes.h"
#include "resource_table.h"

#include <cstdint>
#include <stop_token>
#include <vector>

namespace pollscope::trace {

class TimelineModel;

/// One stretch in which a task waited on the resource.
struct ResourceWait {
    std::uint32_t task = 0;
    std::uint32_t poll = 0;  // the Pending poll it follows (index in polls())
    std::int64_t from = 0;   // that poll's end
    std::int64_t until = 0;  // runnable again (or the task's end, or `now`)
    std::int64_t woken = -1; // the wake that ended it (-1: none came)
    std::uint32_t waker = 0; // the task that called wake (0: a thread, the timer)
    friend bool operator==(const ResourceWait&, const ResourceWait&) = default;
};

/// A broadcast subscriber: how many values it received, and how far behind
/// the sends it was at most and at the end.
struct Subscriber {
    std::uint32_t task = 0;
    std::uint32_t recvs = 0;
    std::int32_t max_lag = 0;
    std::int32_t lag_at_end = 0;    // at its drop if it dropped its receiver
    std::int64_t subscribed = -1;   // its recorded subscribe (-1: none recorded)
    std::int64_t unsubscribed = -1; // its recorded drop (-1: none)
    std::uint32_t missed = 0;       // values lost to recorded Lagged{n}
    friend bool operator==(const Subscriber&, const Subscriber&) = default;
};

struct ResourceTimeline {
    ResourceRow row;                 // as the Resources tab shows it
    std::vector<ResourceWait> waits; // by `from`, then task
    /// Tasks waiting after each change: (time, count), by time; starts at 0.
    std::vector<std::pair<std::int64_t, std::uint32_t>> waiting;
    std::uint32_t peak_waiting = 0;
    std::vector<std::uint32_t> waiters;  // the tasks that waited on it, ascending
    std::int64_t deadline = -1;          // a sleep's: when it fires (-1: not a sleep)
    std::uint32_t joined = 0;            // a JoinHandle's task (0: not one)
    std::vector<Subscriber> subscribers; // a broadcast's, by task
    /// A broadcast's receivers alive after each recorded subscribe or drop
    /// (subscribed idle ones too): (time, count), in recorded order (a
    /// change each, equal times too); empty when none was recorded.
    std::vector<std::pair<std::int64_t, std::uint32_t>> receivers;
    /// A broadcast's sends (indices in its channel's ops) that a Shutdown
    /// event of the same task follows: the shutdown signal.
    std::vector<std::uint32_t> shutdown_ops;

    /// Tasks waiting on it at `ts` (after every change at ts).
    std::uint32_t waiting_at(std::int64_t ts) const noexcept;
    /// Whether `task` waited on it or used it (a row's tasks).
    bool involves(std::uint32_t task) const noexcept;
};

/// Which resource a row is, the same in every model of one trace (a
/// channel's index differs between the real-time and the steps model): a
/// channel's address and kind, else the resource id.
struct ResourceKey {
    std::uint64_t address = 0;
    std::int16_t channel_kind = -1; // -1: not a channel
    std::uint32_t id = 0;
    friend bool operator==(const ResourceKey&, const ResourceKey&) = default;
};
ResourceKey resource_key(const TimelineModel& model, const ResourceRow& row);

/// The resources of `model` in resource_rows() order (channels first),
/// without the row of the Pending polls that named no resource ("unknown").
/// `now`: the end of the observation (-1: the model's last event). A stop
/// requested on `stop` (a background job's) ends the scan early: the result
/// is then incomplete, for the caller to drop.
std::vector<ResourceTimeline> resource_timelines(const TimelineModel& model, std::int64_t now = -1,
                                                 std::stop_token stop = {});

/// When resource `id` of `model`, a sleep, fires: its Pending poll's end
/// plus the time it had left then (-1: not a sleep).
std::int64_t sleep_deadline(const TimelineModel& model, std::uint32_t id);

/// A channel's fill level at `ts` (after every op at ts).
std::int32_t channel_level_at(const ChannelLane& c, std::int64_t ts) noexcept;

} // namespace pollscope::trace
