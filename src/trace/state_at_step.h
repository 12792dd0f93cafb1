#pragma once
// StateAtStep: each task's state as it was after the first `c` events of a
// finished trace (the rewind cursor), as the statistics of those events alone
// would give it (stats_accumulator.h: state, polls, wakes, what an idle task
// waits on), without replaying them. One pass over the model's events
// indexes, per task, its own events with running counts; a task's state at
// any cursor is then a binary search in them, O(log its events), and a move
// of the cursor changes only the tasks of the events it crosses
// (tasks_between()). Built on the TimelineModel's polls and wake links: a
// task is woken at the cursor when its latest wake caused no poll that
// started before the cursor, as the model links them.
//
// Cursor positions are event counts 0..events(): 0 (nothing happened), just
// before each transition after the first, and events() (the end). The
// transitions are the step axis's (step_axis.h: every event but a task's
// name and a worker's start, which belong to the event before them).

#include "stats.h"
#include "timeline_model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pollscope::trace {

/// One task at a cursor.
struct TaskAtStep {
    bool seen = false; // an event of it came before the cursor (else no row then)
    TaskState state = TaskState::Scheduled;
    std::uint64_t polls = 0; // polls started
    std::uint64_t wakes = 0;
    std::uint64_t self_wakes = 0;
    /// The task's latest poll (index in the model's polls()) when Idle: what
    /// it waits on is that poll's waits_on_text(); kNoIndex otherwise.
    std::uint32_t waiting_poll = kNoIndex;
    friend bool operator==(const TaskAtStep&, const TaskAtStep&) = default;
};

class StateAtStep {
public:
    StateAtStep() = default;
    /// Indexes `model` (O(events)); the model must outlive this and not change.
    explicit StateAtStep(const TimelineModel& model);

    /// Events of the trace: the cursor at the end.
    std::size_t events() const noexcept { return events_; }
    /// The cursor one step before / after `c` (clamped to 0 and events()).
    std::size_t previous(std::size_t c) const;
    std::size_t next(std::size_t c) const;
    /// The step number of cursor `c` (0 at the start): transitions before it.
    std::size_t step_of(std::size_t c) const;
    /// The cursor of step `s` (clamped to the last).
    std::size_t cursor_of_step(std::size_t s) const;
    /// Steps in the trace (step_of(events())).
    std::size_t steps() const { return step_of(events_); }
    /// The cursor of c's step (c itself, or before the name or worker start
    /// that belong to the step before it).
    std::size_t snap(std::size_t c) const { return cursor_of_step(step_of(c)); }
    /// Where a click at time `ts` of `drawn` puts the cursor: just after the
    /// last event at or before ts (0 before the first), snapped to a step.
    /// `drawn` is the model's trace or its step-axis warp (same events, in
    /// the same order).
    std::size_t cursor_at_time(const Trace& drawn, std::int64_t ts) const;

    /// Task `task` after the first `c` events: O(log its events).
    TaskAtStep task_at(std::uint32_t task, std::size_t c) const;
    /// The tasks of the events in [min(a,b), max(a,b)): those whose state a
    /// move of the cursor from a to b can change (each once, unordered).
    std::vector<std::uint32_t> tasks_between(std::size_t a, std::size_t b) const;

private:
    /// One of a task's events, with its counts up to and including it.
    struct Entry {
        std::uint32_t event = 0;
        std::uint32_t polls = 0, wakes = 0, self_wakes = 0;
        bool open = false; // its latest poll is running after this event
    };
    /// A task's events ending it (event indexes; kNone: none).
    struct Ends {
        std::uint32_t ready_end = kNone;  // first Ready/Failed poll end
        std::uint32_t failed_end = kNone; // first Failed poll end
        std::uint32_t cancel = kNone, fail = kNone;
    };
    static constexpr std::uint32_t kNone = 0xffffffffu;

    const TimelineModel* model_ = nullptr;
    std::size_t events_ = 0;
    std::vector<std::uint32_t> offset_;       // per task lane: first entry (one more at the end)
    std::vector<Entry> entries_;              // by lane, then event
    std::vector<Ends> ends_;                  // per task lane
    std::vector<std::uint32_t> poll_started_; // per poll: its PollStart's event index
    std::vector<std::uint32_t> no_step_;      // events that take no step, ascending
};

} // namespace pollscope::trace
