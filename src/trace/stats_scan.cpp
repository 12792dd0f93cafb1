#include "stats_scan.h"

#include "duration_text.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace pollscope::trace {

namespace {

struct TaskScan {
    std::uint32_t parent = 0;
    bool alive = false;
    bool idle = false;           // last poll ended Pending and no wake since
    std::int64_t idle_since = 0; // that poll's end
    bool received = false;       // a channel receive in its last poll
};

} // namespace

std::vector<Warning> scan_warnings(const Trace& trace, const ScanOptions& options) {
    std::vector<Warning> out;
    std::unordered_map<std::uint32_t, TaskScan> tasks;
    std::unordered_map<std::uint32_t, std::uint32_t> live_children, peak_children;
    std::unordered_map<std::uint32_t, std::int64_t> peak_at;
    auto end_task = [&](TaskScan& t) {
        if (!t.alive)
            return;
        t.alive = false;
        if (t.parent)
            --live_children[t.parent];
    };
    for (const auto& e : trace.events) {
        auto& t = tasks[e.task];
        switch (e.kind) {
        case EventKind::Spawn:
            t = {};
            t.parent = e.arg;
            t.alive = true;
            if (e.arg) {
                const auto n = ++live_children[e.arg];
                if (n > peak_children[e.arg]) {
                    peak_children[e.arg] = n;
                    peak_at[e.arg] = e.ts;
                }
            }
            break;
        case EventKind::PollStart:
            t.idle = false;
            t.received = false;
            break;
        case EventKind::PollEnd:
            if (e.outcome() == Outcome::Pending) {
                t.idle = true;
                t.idle_since = e.ts;
            } else {
                end_task(t);
            }
            break;
        case EventKind::Wake:
            t.idle = false;
            break;
        case EventKind::ChannelRecv:
            t.received = true;
            break;
        case EventKind::Cancel:
            if (t.idle && e.ts - t.idle_since >= options.stuck_ns)
                out.push_back({WarningKind::Stuck, e.task, e.ts, e.ts - t.idle_since,
                               "waited " + duration_text(e.ts - t.idle_since) +
                                   " with nothing to wake it, then was cancelled: nothing "
                                   "was ever going to wake it"});
            if (t.received)
                out.push_back({WarningKind::LostMessage, e.task, e.ts, 0,
                               "received from a channel, then was cancelled before it "
                               "finished: what it took is lost (a cancel-unsafe branch)"});
            end_task(t);
            break;
        case EventKind::Fail:
            end_task(t);
            break;
        default:
            break;
        }
    }
    for (const auto& [parent, peak] : peak_children)
        if (peak > options.flood_children)
            out.push_back({WarningKind::TaskFlood, parent, peak_at[parent], std::int64_t(peak),
                           std::to_string(peak) +
                               " tasks it spawned were alive at once: nothing bounds them "
                               "(a bounded channel would make the sender wait)"});
    std::stable_sort(out.begin(), out.end(), [](const Warning& a, const Warning& b) {
        return a.ts != b.ts ? a.ts < b.ts : a.task < b.task;
    });
    return out;
}

void add_scan_warnings(const Trace& trace, TraceStats& stats, const ScanOptions& options) {
    auto found = scan_warnings(trace, options);
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
