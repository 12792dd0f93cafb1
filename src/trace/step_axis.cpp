#include "step_axis.h"

#include <algorithm>

namespace pollscope::trace {

namespace {
/// Events that are a transition of their own (a task's name and a worker's
/// start belong to the event before them).
bool takes_a_step(EventKind k) {
    return k != EventKind::TaskName && k != EventKind::WorkerStart;
}
} // namespace

Trace StepAxis::build(const Trace& t) {
    pos_.clear();
    real_.clear();
    breaks_.clear();
    Trace out;
    out.strings = t.strings;
    out.locations = t.locations;
    out.threads = t.threads;
    out.dropped = t.dropped;
    out.virtual_time = t.virtual_time;
    out.events.reserve(t.events.size());
    pos_.reserve(t.events.size());
    real_.reserve(t.events.size());
    std::int64_t pos = 0;
    bool first = true;
    std::int64_t last_real = 0;
    // A break is a stretch in which nothing ran (no poll open on any thread)
    // that is long for this trace: a hundredth of it, and at least kBreakAfterNs.
    const std::int64_t span = t.events.empty() ? 0 : t.events.back().ts - t.events.front().ts;
    const std::int64_t threshold = std::max(kBreakAfterNs, span / 100);
    int running = 0;
    for (const Event& e : t.events) {
        if (!first && takes_a_step(e.kind)) {
            const std::int64_t gap = e.ts - last_real;
            if (gap > threshold && running == 0) {
                breaks_.push_back({pos + kStep / 2, pos + kStep / 2 + kBreakSteps * kStep, gap});
                pos += kBreakSteps * kStep;
            }
            pos += kStep;
        }
        if (takes_a_step(e.kind) || first) {
            first = false;
            last_real = e.ts;
        }
        if (e.kind == EventKind::PollStart)
            ++running;
        else if (e.kind == EventKind::PollEnd && running > 0)
            --running;
        Event w = e;
        w.ts = pos;
        out.events.push_back(w);
        pos_.push_back(pos);
        real_.push_back(e.ts);
    }
    return out;
}

std::int64_t StepAxis::real_time(std::int64_t pos) const {
    if (pos_.empty())
        return pos;
    auto it = std::upper_bound(pos_.begin(), pos_.end(), pos);
    if (it == pos_.begin())
        return real_.front();
    const auto i = std::size_t(it - pos_.begin()) - 1; // last event at or before pos
    if (it == pos_.end() || pos_[i] == pos)
        return real_[i];
    // Inside a step (or a break): between the two events' real times.
    const std::size_t j = i + 1;
    const double f = double(pos - pos_[i]) / double(pos_[j] - pos_[i]);
    return real_[i] + std::int64_t(f * double(real_[j] - real_[i]));
}

} // namespace pollscope::trace
