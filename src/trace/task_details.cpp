#include "task_details.h"

#include "resource_table.h"
#include "timeline_model.h"

#include <algorithm>
#include <unordered_map>

namespace pollscope::trace {

std::vector<HistogramBucket> histogram_buckets(const DurationSummary& d) {
    std::vector<HistogramBucket> out;
    if (d.count == 0)
        return out;
    std::size_t lo = d.buckets.size(), hi = 0;
    for (std::size_t i = 0; i < d.buckets.size(); ++i)
        if (d.buckets[i] != 0) {
            lo = std::min(lo, i);
            hi = i;
        }
    for (std::size_t i = lo; i <= hi && lo < d.buckets.size(); ++i)
        out.push_back(
            {i == 0 ? 0 : std::int64_t{1} << i, std::int64_t{1} << (i + 1), d.buckets[i]});
    return out;
}

TaskDetails task_details(const TimelineModel& model, const TraceStats& stats, std::uint32_t task,
                         std::int64_t now) {
    TaskDetails out;
    if (now < 0)
        now = model.end_ts();
    auto t = std::lower_bound(stats.tasks.begin(), stats.tasks.end(), task,
                              [](const TaskStats& s, std::uint32_t id) { return s.id < id; });
    if (t != stats.tasks.end() && t->id == task) {
        out.found = true;
        out.stats = *t;
        out.parent = t->parent;
    }
    for (const Warning& w : stats.warnings)
        if (w.task == task)
            out.warnings.push_back(w);
    for (const Lane& lane : model.task_lanes())
        if (lane.parent == task && lane.key != task && task != 0)
            out.children.push_back(lane.key);
    std::sort(out.children.begin(), out.children.end());

    const int li = model.task_lane(task);
    if (li < 0)
        return out;
    const Lane& lane = model.task_lanes()[std::size_t(li)];
    if (!out.found)
        out.parent = lane.parent;
    std::unordered_map<std::uint32_t, std::size_t> site_of, resource_of;
    const bool waiting = waiting_at_end(lane, model);
    for (std::size_t k = 0; k < lane.polls.size(); ++k) {
        const std::uint32_t p = lane.polls[k];
        const PollBar& b = model.polls()[p];
        if (b.open() || b.outcome != Outcome::Pending)
            continue;
        const std::int64_t wait = wait_after(model, lane, k, now);
        auto [s, new_site] = site_of.try_emplace(b.site, out.sites.size());
        if (new_site)
            out.sites.push_back({b.site, 0, 0});
        auto& site = out.sites[s->second];
        ++site.waits;
        site.wait_ns += wait;

        const std::uint32_t id = model.waits_on(p);
        auto [r, new_resource] = resource_of.try_emplace(id, out.resources.size());
        if (new_resource) {
            ResourceWaits rw;
            rw.resource = id;
            if (const ResourceInfo* info = model.resource(id))
                rw.kind = info->kind;
            rw.name = resource_name(model, id);
            out.resources.push_back(std::move(rw));
        }
        auto& res = out.resources[r->second];
        ++res.waits;
        res.wait_ns += wait;
        if (waiting && k + 1 == lane.polls.size())
            res.waiting_now = true;
    }
    // Stable: equal counts keep the order of their first wait.
    std::stable_sort(
        out.sites.begin(), out.sites.end(),
        [](const AwaitSiteCount& a, const AwaitSiteCount& b) { return a.waits > b.waits; });
    std::stable_sort(
        out.resources.begin(), out.resources.end(),
        [](const ResourceWaits& a, const ResourceWaits& b) { return a.wait_ns > b.wait_ns; });
    return out;
}

std::string_view warning_explanation(WarningKind kind) noexcept {
    switch (kind) {
    case WarningKind::LongPoll:
        return "One poll ran longer than the threshold: blocking work (a sleep, a lock, heavy "
               "computation) inside async code holds its worker, and every task queued behind "
               "it waits.";
    case WarningKind::NeverYielded:
        return "The task never returned Pending yet was busy longer than the threshold: it runs "
               "a whole computation in one poll, so its worker can run nothing else meanwhile.";
    case WarningKind::SelfWakes:
        return "Most of the task's wakes came from the task itself: it keeps waking itself "
               "(a busy loop on yield or a spurious wake) instead of waiting for an event.";
    case WarningKind::LostWaker:
        return "At the end the task was Pending and nothing had woken it: if nothing holds its "
               "waker it will never run again (or it was still legitimately waiting when the "
               "trace ended).";
    case WarningKind::Stuck:
        return "The task waited a long time with no wake before it was cancelled: nothing was "
               "going to wake it, e.g. a signal sent before it started listening.";
    case WarningKind::LostMessage:
        return "The task received a value in its last poll and was then cancelled: what it "
               "took from the channel is lost (a cancel-unsafe select branch).";
    case WarningKind::TaskFlood:
        return "This task had more children alive at once than the threshold: nothing bounds "
               "how many it spawns (a task per event with no backpressure).";
    }
    return "";
}

} // namespace pollscope::trace
