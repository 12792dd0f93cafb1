#pragma once
// waiting_tasks(): a hand-built trace where `tasks` tasks each wait on a
// mutex of their own over and over (3 events a round, each task woken by the
// next), about `events` events in all: a store of any size with resources.

#include "event_builder.h"
#include "resource.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pollscope::test {

inline std::vector<trace::Event> waiting_tasks(std::uint32_t tasks, std::size_t events) {
    constexpr auto kMutex = std::uint8_t(ResourceKind::Mutex);
    using trace::EventKind;
    std::vector<trace::Event> e;
    for (std::uint32_t t = 1; t <= tasks; ++t) {
        e.push_back(ev(0, EventKind::Spawn, t, 0));
        e.push_back(ev(0, EventKind::Resource, 0, 0, /*id*/ t, kMutex));
    }
    std::int64_t ts = 10;
    while (e.size() < events) {
        for (std::uint32_t t = 1; t <= tasks; ++t) {
            e.push_back(ev(ts, EventKind::PollStart, t, 0));
            e.push_back(ev(ts + 5, EventKind::PollEnd, t, 0, 0, /*Pending*/ 0, /*waits on*/ t));
            ts += 10;
        }
        for (std::uint32_t t = 1; t <= tasks; ++t)
            e.push_back(ev(ts++, EventKind::Wake, t, 0, /*by task*/ t % tasks + 1));
    }
    return e;
}

} // namespace pollscope::test
