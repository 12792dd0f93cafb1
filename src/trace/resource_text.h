#pragma once
// How a resource a task waits on is written, everywhere (the timeline's
// labels and tooltips, the task table, the event log, the exports):
// "sleep until 100 ms", "mpsc recv 'events' (0/1000)", "join handle of task 3".

#include <string>
#include <string_view>

namespace pollscope::trace {

struct ResourceInfo;
struct Trace;

/// What a Pending poll that noted no resource waits on.
inline constexpr std::string_view kUnknownResourceText = "unknown";

/// The resource as a person reads it; `trace` gives its name's string.
std::string resource_text(const ResourceInfo& r, const Trace& trace);

} // namespace pollscope::trace
