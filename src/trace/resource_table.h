#pragma once
// ResourceTable: one row per resource of a run, with tokio-console's
// resource columns (kind, name, waiters now, total waits, total wait time):
// the channels of the run (ResourceLanes) and every resource a Pending poll
// waited on (TimelineModel::waits_on()).
//
// A wait is the stretch after a Pending poll until the task became runnable
// again (the model's Waiting stretch, see TimelineModel::waits_before()); the
// last one of a task that never became runnable again lasts until the task
// ended or, for a task still waiting, until `now`. The trace records no place
// where a resource was created, so a row tells the first await site that
// waited on it instead.

#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

namespace pollscope::trace {

class TimelineModel;
struct Lane;

/// How long the task of `lane` waited after its poll lane.polls[k] (0 unless
/// that poll is closed and Pending): until the task became runnable again,
/// else until it ended, else until `now`.
std::int64_t wait_after(const TimelineModel& model, const Lane& lane, std::size_t k,
                        std::int64_t now);
/// Whether the task of `lane` is waiting at `now`: its last poll ended
/// Pending, no wake came after it and the task has not ended.
bool waiting_at_end(const Lane& lane, const TimelineModel& model);

struct ResourceRow {
    std::uint32_t id = 0;          // resource id (0: none, or the Pending polls that named none)
    int channel = -1;              // index in resource_lanes().channels(), -1: not a channel
    std::uint8_t kind = 0;         // pollscope::ResourceKind of its waits (channels: of the first)
    std::string kind_text;         // "mpsc", "broadcast", "sleep", "join_handle"...
    std::string name;              // its own name (a channel's), else what it is
    std::uint32_t waiters_now = 0; // tasks waiting on it at `now`
    std::uint64_t waits = 0;       // Pending polls that waited on it
    std::int64_t wait_ns = 0;      // their waits, summed
    std::uint32_t first_site = 0;  // await-site location id of the first wait on it
    std::uint32_t sends = 0, recvs = 0; // a channel's
    std::vector<std::uint32_t> tasks;   // the tasks that waited on it or used it, ascending
    std::vector<std::uint32_t> ids;     // the resource ids whose waits it counts
};

/// The channels of `model` (every one that was sent to or received from,
/// waited on or not), then every other resource waited on, by first wait.
/// A channel's Resource events carry its name but not its address, so the
/// waits on a channel's resource are the channel's row only when that can be
/// told: the run has one channel of that kind and the waited resources of
/// that kind share one name, or exactly one channel of that kind was used
/// (received from; sent on, for a send wait) by a task that waited on the
/// resource. Else the resource has a row of its own.
/// `now`: the end of the observation (-1: the model's last event). A stop
/// requested on `stop` (a background job's) ends the scan early: the result
/// is then incomplete and only fit to be thrown away.
std::vector<ResourceRow> resource_rows(const TimelineModel& model, std::int64_t now = -1,
                                       std::stop_token stop = {});

/// A resource's name as the table shows it: its own name when it has one
/// (a named channel or mutex), else what it is ("sleep until 100 ms").
std::string resource_name(const TimelineModel& model, std::uint32_t id);

} // namespace pollscope::trace
