#pragma once
// CSV export: a '#' comment block naming the columns, a header row, then one
// row per event in time order (RFC 4180 quoting). Columns:
//   ts_ns       timestamp, nanoseconds
//   thread      recording thread index
//   thread_name its name ("" if unknown)
//   kind        spawn, task_name, poll_start, poll_end, wake, cancel, fail,
//               yield, channel_send, channel_recv, shutdown, mark, worker_start,
//               resource, enqueue, steal, broadcast_subscribe,
//               broadcast_unsubscribe, broadcast_lag
//   task        task id (0: none)
//   task_name   the task's name, if it has one
//   outcome     poll_end: pending, ready or failed
//   other_task  spawn: parent; wake: the waker (0: a plain thread)
//   location    spawn: spawn site; poll_end: await site (file:line)
//   text        mark: text; fail: message; channel_*: kind and address;
//               worker_start: worker index; enqueue: queue[@worker][ xN];
//               steal: from worker N xM; broadcast_(un)subscribe:
//               broadcast@address; broadcast_lag: missed N@0x...low 32 bits
//   waits_on    poll_end (Pending): what the task waits on ("unknown" if the
//               core could not tell); resource: its description

#include "chrome_json.h" // Sink
#include "event.h"

namespace pollscope::trace {

bool write_csv(const Trace& trace, const Sink& sink, const Progress& progress = {});
std::string to_csv(const Trace& trace);

} // namespace pollscope::trace
