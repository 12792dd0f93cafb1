#pragma once
// Narration: one line per transition, in the seed article's terms ("worker 0
// polls task_2 #3: Pending, waiting on sleep until 200.0 ms", "timer thread
// calls wake(): task 1 #1 is sent back into the task channel", "select
// #1 drops task_2 #3: cancelled before it finished"), for the status bar
// while stepping or rewinding and for the event log. Driven by the event at
// the step, with what the model knows of it (its poll, what that poll waits
// on, a wake's task-channel send that follows on the same thread).

#include "timeline_model.h"

#include <cstddef>
#include <string>

namespace pollscope::trace {

/// The line for event `index` of `model`'s trace ("" for an index beyond it).
std::string narrate(const TimelineModel& model, std::size_t index);

/// The line of an Enqueue or Steal event ("worker 2 steals 3 tasks from worker
/// 0's run queue and polls task_5 #5 next"); "" for other kinds.
std::string queue_move_text(const TimelineModel& model, const Event& e);

} // namespace pollscope::trace
