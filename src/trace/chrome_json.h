#pragma once
// Chrome Trace Event JSON export (opens in ui.perfetto.dev and chrome://tracing).
//
// Layout: pid 1 "tasks", one track per task (tid = task id) — or, with
// per_worker, one track per recording thread (tid = thread index + 1).
// Each poll is a complete event (ph X) named by the task with its poll number,
// outcome and await site in args; waiting is an X slice "idle" (Pending -> wake) or
// "scheduled" (wake -> poll) on the task's track; each wake is a flow arrow
// (ph s at the wake on the waker's track, ph f binding to the poll it caused;
// a wake that caused no poll is an instant, so every flow has both ends).
// Wakes from plain threads start on pid 2 "threads" (tid = thread index + 1).
// Names are ph M metadata; marks, spawns, cancels, failures and shutdown are
// instant events (ph i).
//
// The top-level "pollscope" object holds the raw events and interned tables,
// so import_trace_json() re-opens the file losslessly:
//   {"pollscope":{"format":"pollscope-trace","version":1,"virtual_time":b,
//     "dropped":n,"strings":[s...],"locations":[[file,function,line,column]...],
//     "threads":[[os_id,worker,name]...],
//     "events":[[ts,task,kind,arg,arg2,thread,flag]...]},
//   "displayTimeUnit":"ns","traceEvents":[...]}

#include "event.h"

#include <functional>
#include <string>
#include <string_view>

namespace pollscope::trace {

/// Receives output in blocks; returns false to abort (e.g. a write error).
using Sink = std::function<bool(std::string_view)>;
/// Told how far a long read or write is, a fraction in [0, 1] (every few
/// thousand events, on the thread doing the work).
using Progress = std::function<void(double)>;

struct ChromeOptions {
    bool per_worker = false; // tracks per thread instead of per task
    bool include_raw = true; // the "pollscope" object (needed to re-open)
    Progress progress;       // optional
};

class TimelineModel;

/// Streams the model (polls, waits, wakes with the poll each caused,
/// markers) as JSON into sink; false if the sink refused.
bool write_chrome_json(const TimelineModel& model, const Sink& sink,
                       const ChromeOptions& options = {});
/// The same for a trace (its model built first).
bool write_chrome_json(const Trace& trace, const Sink& sink, const ChromeOptions& options = {});
std::string to_chrome_json(const Trace& trace, const ChromeOptions& options = {});

} // namespace pollscope::trace
