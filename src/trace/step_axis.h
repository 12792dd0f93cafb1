#pragma once
// StepAxis: the timeline's second time axis. Every recorded transition
// (spawn, poll start, poll end, wake, yield, cancel, ...) takes one step, in
// the trace's order (time, and at one instant the order it was recorded in);
// a stretch where nothing runs (no poll open) for longer than a hundredth of
// the trace (and kBreakAfterNs) collapses into a break a few steps wide,
// labelled with how long it was. So a short
// example reads left to right the way the seed article tells it.
//
// The axis is a warp of time: build() gives the same trace with each event's
// time replaced by its step position (kStep units a step), so the one
// timeline model, built over it, gives poll bars at least one step wide and
// every view works on steps unchanged; real_time() maps a position back.

#include "event.h"

#include <cstdint>
#include <vector>

namespace pollscope::trace {

class TimelineModel;

/// Whether an event is a transition of its own (a task's name and a worker's
/// start belong to the event before them).
bool takes_a_step(EventKind k) noexcept;

class StepAxis {
public:
    /// Units of warped time per step.
    static constexpr std::int64_t kStep = 1000;
    /// A break is this many steps wide.
    static constexpr std::int64_t kBreakSteps = 3;
    /// Idle gaps shorter than this (ns) never become breaks.
    static constexpr std::int64_t kBreakAfterNs = 50'000;

    struct Break {
        std::int64_t start = 0, end = 0; // warped positions it spans
        std::int64_t real_gap = 0;       // ns of real (or virtual) time it stands for
    };

    /// The model's trace on the step axis (events in its order, tables as
    /// they are); whether a poll runs across a gap is read from its polls.
    Trace build(const TimelineModel& model);

    /// Real time at a warped position (interpolated inside a step).
    std::int64_t real_time(std::int64_t pos) const;
    /// The warped position of the first event at or after real time `ts`
    /// (a sleep's deadline: the step it falls on), or -1 when none is.
    std::int64_t position_at_or_after(std::int64_t ts) const noexcept;
    /// Step number at a warped position (0 = the first transition).
    std::int64_t step_at(std::int64_t pos) const noexcept { return pos / kStep; }
    const std::vector<Break>& breaks() const noexcept { return breaks_; }
    bool empty() const noexcept { return pos_.empty(); }

private:
    std::vector<std::int64_t> pos_, real_; // per event: warped and real time
    std::vector<Break> breaks_;
};

} // namespace pollscope::trace
