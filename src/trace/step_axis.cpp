#include "step_axis.h"

#include "timeline_model.h"

#include <algorithm>
#include <climits>
#include <utility>

namespace pollscope::trace {

bool takes_a_step(EventKind k) noexcept {
    return k != EventKind::TaskName && k != EventKind::WorkerStart;
}

Trace StepAxis::build(const TimelineModel& model) {
    const Trace& t = model.trace();
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
    // The model's polls by start, each with its end (open: never): a gap
    // after instant T has a poll running when one started by T ends after it.
    std::vector<std::pair<std::int64_t, std::int64_t>> runs;
    runs.reserve(model.polls().size());
    for (const auto& p : model.polls())
        runs.emplace_back(p.start, p.open() ? INT64_MAX : p.end);
    std::sort(runs.begin(), runs.end());
    std::size_t next_run = 0;
    std::int64_t running_until = INT64_MIN; // latest end of the polls started so far
    std::int64_t pos = 0;
    bool first = true;
    std::int64_t last_real = 0;
    // A break is a stretch in which nothing ran (no poll open on any thread)
    // that is long for this trace: a hundredth of it, and at least kBreakAfterNs.
    const std::int64_t span = t.events.empty() ? 0 : t.events.back().ts - t.events.front().ts;
    const std::int64_t threshold = std::max(kBreakAfterNs, span / 100);
    for (const Event& e : t.events) {
        if (!first && takes_a_step(e.kind)) {
            const std::int64_t gap = e.ts - last_real;
            if (gap > threshold) {
                for (; next_run < runs.size() && runs[next_run].first <= last_real; ++next_run)
                    running_until = std::max(running_until, runs[next_run].second);
                if (running_until <= last_real) {
                    breaks_.push_back(
                        {pos + kStep / 2, pos + kStep / 2 + kBreakSteps * kStep, gap});
                    pos += kBreakSteps * kStep;
                }
            }
            pos += kStep;
        }
        if (takes_a_step(e.kind) || first) {
            first = false;
            last_real = e.ts;
        }
        Event w = e;
        w.ts = pos;
        out.events.push_back(w);
        pos_.push_back(pos);
        real_.push_back(e.ts);
    }
    return out;
}

std::int64_t StepAxis::position_at_or_after(std::int64_t ts) const noexcept {
    const auto it = std::lower_bound(real_.begin(), real_.end(), ts); // real_: in trace order
    return it == real_.end() ? -1 : pos_[std::size_t(it - real_.begin())];
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
