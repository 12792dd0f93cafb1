#pragma once
// Threads that build what the window shows (the timeline feed, the live
// statistics) run at a lower priority than the GUI thread: with the cores
// busy (a run at full speed, or a person's other work), the window should
// get the CPU first. The feed never makes the GUI thread wait for it (it
// only swaps under the store's lock), so being preempted costs only how far
// behind it falls.

namespace pollscope::app {

/// Lowers the calling thread's scheduling priority by `steps` nice levels
/// (Linux; elsewhere nothing). Never fails: a thread that cannot be lowered
/// keeps its priority.
void lower_this_thread_priority(int steps = 5) noexcept;

} // namespace pollscope::app
