#pragma once
// ResourceWakeIndex: one resource lane's waits that a wake ended, by the
// time of that wake, and by task then that time: the timeline draws an arrow
// for each such wake in view with an end in view, and finds them by binary
// search instead of visiting every wait of the run at each paint (a run of a
// few million events has ~a million waits).

#include "resource_timeline.h"

#include <cstdint>
#include <span>
#include <vector>

namespace pollscope::app {

class ResourceWakeIndex {
public:
    struct Entry {
        std::int64_t woken = 0;
        std::uint32_t task = 0;
        std::uint32_t wait = 0; // index in the lane's waits
    };

    ResourceWakeIndex() = default;
    /// The waits of `r` that a wake ended (woken after the wait began).
    explicit ResourceWakeIndex(const trace::ResourceTimeline& r);

    /// Those woken in [t0, t1], by wake time.
    std::span<const Entry> woken_in(std::int64_t t0, std::int64_t t1) const;
    /// Those of `task` woken in [t0, t1], by wake time.
    std::span<const Entry> woken_in(std::uint32_t task, std::int64_t t0, std::int64_t t1) const;

private:
    std::vector<Entry> by_time_; // by woken, then wait
    std::vector<Entry> by_task_; // by task, woken, then wait
};

} // namespace pollscope::app
