#include "stats_scan.h"

#include "duration_text.h"
#include "timeline_model.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <tuple>
#include <unordered_map>

namespace pollscope::trace {

namespace {

/// The task's last poll starting at or before ts (model.polls() index), or kNoIndex.
std::uint32_t last_poll_by(const TimelineModel& model, const Lane& lane, std::int64_t ts) {
    const auto& polls = model.polls();
    auto it = std::upper_bound(lane.polls.begin(), lane.polls.end(), ts,
                               [&](std::int64_t t, std::uint32_t i) { return t < polls[i].start; });
    return it == lane.polls.begin() ? kNoIndex : *(it - 1);
}

/// Peak number of a parent's children alive at once, and when it was reached.
struct Peak {
    std::uint32_t count = 0;
    std::int64_t at = 0;
};

} // namespace

std::vector<Warning> scan_warnings(const TimelineModel& model, const ScanOptions& options) {
    std::vector<Warning> out;
    const auto& polls = model.polls();

    // Channel receives of the tasks that were cancelled (LostMessage), by time.
    std::unordered_map<std::uint32_t, std::vector<std::int64_t>> received;
    for (const auto& m : model.rare_markers())
        if (m.kind == MarkerKind::Cancel)
            received.try_emplace(m.task);
    if (!received.empty())
        for (const auto& e : model.trace().events)
            if (e.kind == EventKind::ChannelRecv)
                if (auto it = received.find(e.task); it != received.end())
                    it->second.push_back(e.ts);

    for (const auto& m : model.rare_markers()) {
        if (m.kind != MarkerKind::Cancel)
            continue;
        const int li = model.task_lane(m.task);
        if (li < 0)
            continue;
        const Lane& lane = model.task_lanes()[std::size_t(li)];
        const std::uint32_t last = last_poll_by(model, lane, m.ts);
        // Stuck: its last poll returned Pending and no wake came after it.
        if (last != kNoIndex) {
            const PollBar& p = polls[last];
            auto w = std::lower_bound(lane.wakes.begin(), lane.wakes.end(), p.end,
                                      [](const WakeRec& x, std::int64_t t) { return x.ts < t; });
            const bool woken = w != lane.wakes.end() && w->ts <= m.ts;
            if (!p.open() && p.outcome == Outcome::Pending && p.end <= m.ts && !woken &&
                m.ts - p.end >= options.stuck_ns)
                out.push_back({WarningKind::Stuck, m.task, m.ts, m.ts - p.end,
                               "waited " + duration_text(m.ts - p.end) +
                                   " with nothing to wake it, then was cancelled: nothing "
                                   "was ever going to wake it"});
        }
        // LostMessage: a receive since its last poll started.
        const auto& recv = received[m.task];
        const std::int64_t since = last == kNoIndex ? INT64_MIN : polls[last].start;
        auto r = std::lower_bound(recv.begin(), recv.end(), since);
        if (r != recv.end() && *r <= m.ts)
            out.push_back({WarningKind::LostMessage, m.task, m.ts, 0,
                           "received from a channel, then was cancelled before it "
                           "finished: what it took is lost (a cancel-unsafe branch)"});
    }

    // TaskFlood: each spawned task is alive from its spawn to its end (the
    // model's lifetime); a parent's children counted over time.
    struct Step {
        std::int64_t ts;
        int delta; // -1 (an end) sorts before +1 (a spawn) at one instant
        std::uint32_t parent;
    };
    std::vector<Step> steps;
    for (const auto& lane : model.task_lanes()) {
        if (!lane.spawned || lane.parent == 0)
            continue;
        steps.push_back({lane.first, +1, lane.parent});
        if (lane.last >= 0)
            steps.push_back({std::max(lane.last, lane.first), -1, lane.parent});
    }
    std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) {
        return std::tie(a.ts, a.delta) < std::tie(b.ts, b.delta);
    });
    std::unordered_map<std::uint32_t, std::uint32_t> live;
    std::unordered_map<std::uint32_t, Peak> peaks;
    for (const auto& st : steps) {
        auto& n = live[st.parent];
        if (st.delta < 0) {
            n -= n > 0;
            continue;
        }
        auto& peak = peaks[st.parent];
        if (++n > peak.count)
            peak = {n, st.ts};
    }
    for (const auto& [parent, peak] : peaks)
        if (peak.count > options.flood_children)
            out.push_back({WarningKind::TaskFlood, parent, peak.at, std::int64_t(peak.count),
                           std::to_string(peak.count) +
                               " tasks it spawned were alive at once: nothing bounds them "
                               "(a bounded channel would make the sender wait)"});
    std::stable_sort(out.begin(), out.end(), [](const Warning& a, const Warning& b) {
        return std::tie(a.ts, a.task, a.kind) < std::tie(b.ts, b.task, b.kind);
    });
    return out;
}

std::vector<Warning> scan_warnings(const Trace& trace, const ScanOptions& options) {
    TimelineModel model;
    model.load(trace);
    return scan_warnings(model, options);
}

void add_scan_warnings(const Trace& trace, TraceStats& stats, const ScanOptions& options) {
    TimelineModel model;
    model.load(trace);
    add_scan_warnings(model, stats, options);
}

void add_scan_warnings(const TimelineModel& model, TraceStats& stats, const ScanOptions& options) {
    auto found = scan_warnings(model, options);
    if (found.empty())
        return;
    for (const auto& w : found)
        for (auto& s : stats.tasks)
            if (s.id == w.task)
                s.warnings |= 1u << unsigned(w.kind);
    stats.warnings.insert(stats.warnings.end(), found.begin(), found.end());
    std::stable_sort(stats.warnings.begin(), stats.warnings.end(),
                     [](const Warning& a, const Warning& b) {
                         return a.ts != b.ts ? a.ts < b.ts : a.task < b.task;
                     });
}

} // namespace pollscope::trace
