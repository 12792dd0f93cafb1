#include "stats.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <tuple>
#include <unordered_map>

namespace pollscope::trace {

std::string_view task_state_name(TaskState s) noexcept {
    switch (s) {
    case TaskState::Scheduled:
        return "scheduled";
    case TaskState::Running:
        return "running";
    case TaskState::Idle:
        return "idle";
    case TaskState::Done:
        return "done";
    case TaskState::Cancelled:
        return "cancelled";
    case TaskState::Failed:
        return "failed";
    }
    return "?";
}

std::string_view warning_name(WarningKind k) noexcept {
    switch (k) {
    case WarningKind::LongPoll:
        return "long poll";
    case WarningKind::NeverYielded:
        return "never yielded";
    case WarningKind::SelfWakes:
        return "self wakes";
    case WarningKind::LostWaker:
        return "lost waker";
    }
    return "?";
}

DurationSummary summarize(std::vector<std::int64_t>& samples) {
    DurationSummary d;
    d.count = samples.size();
    if (samples.empty())
        return d;
    std::sort(samples.begin(), samples.end());
    d.min = samples.front();
    d.max = samples.back();
    // Nearest rank: the smallest sample with at least q of them at or below it.
    auto rank = [&](double q) {
        auto i = static_cast<std::size_t>(q * double(samples.size()) + 0.999999);
        return samples[std::clamp<std::size_t>(i, 1, samples.size()) - 1];
    };
    d.p50 = rank(0.50);
    d.p90 = rank(0.90);
    d.p99 = rank(0.99);
    long double sum = 0;
    for (auto v : samples) {
        sum += v;
        const auto u = static_cast<std::uint64_t>(std::max<std::int64_t>(v, 1));
        const auto b = std::min<std::size_t>(std::bit_width(u) - 1, d.buckets.size() - 1);
        ++d.buckets[b];
    }
    d.mean = static_cast<std::int64_t>(sum / samples.size());
    return d;
}

namespace {

std::string format_ns(std::int64_t ns) {
    char buf[48];
    if (ns >= 1'000'000'000)
        std::snprintf(buf, sizeof buf, "%.2f s", double(ns) / 1e9);
    else if (ns >= 1'000'000)
        std::snprintf(buf, sizeof buf, "%.2f ms", double(ns) / 1e6);
    else if (ns >= 1'000)
        std::snprintf(buf, sizeof buf, "%.2f us", double(ns) / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(ns));
    return buf;
}

struct Work {
    TaskStats s;
    std::int64_t since = 0; // start of the current state's interval
    bool woken_while_running = false;
    bool seen_spawn = false;
    std::int64_t last_pending = -1; // time of the last Pending poll end
    std::int64_t first_long = -1;   // ts of the first long poll
    std::uint64_t long_polls = 0;
    std::vector<std::int64_t> polls, scheduled;

    void close(std::int64_t ts) {
        const auto d = ts - since;
        switch (s.state) {
        case TaskState::Scheduled:
            s.scheduled_ns += d;
            scheduled.push_back(d);
            break;
        case TaskState::Idle:
            s.idle_ns += d;
            break;
        case TaskState::Running:
            s.busy_ns += d;
            break;
        default:
            break;
        }
        since = ts;
    }
    bool ended() const {
        return s.state == TaskState::Done || s.state == TaskState::Cancelled ||
               s.state == TaskState::Failed;
    }
};

std::string task_label(const TaskStats& s) {
    std::string l = "task " + std::to_string(s.id);
    if (!s.name.empty())
        l += " (" + s.name + ")";
    return l;
}

} // namespace

TraceStats compute_stats(const Trace& trace, const StatsOptions& options) {
    TraceStats out;
    out.events = trace.events.size();
    if (!trace.events.empty())
        out.start_ts = trace.events.front().ts;
    out.end_ts = options.end_ts >= 0    ? options.end_ts
                 : trace.events.empty() ? 0
                                        : trace.events.back().ts;

    std::vector<Work> work;
    std::unordered_map<std::uint32_t, std::size_t> index;
    auto task = [&](std::uint32_t id, std::int64_t ts) -> Work& {
        auto [it, inserted] = index.try_emplace(id, work.size());
        if (inserted) {
            work.emplace_back();
            auto& w = work.back();
            w.s.id = id;
            w.s.spawned_at = ts; // until a Spawn says otherwise
            w.since = ts;
        }
        return work[it->second];
    };

    for (const Event& e : trace.events) {
        if (e.task == 0)
            continue; // marks or shutdown from plain threads
        if (e.kind == EventKind::ChannelSend || e.kind == EventKind::ChannelRecv ||
            e.kind == EventKind::Mark || e.kind == EventKind::Shutdown ||
            e.kind == EventKind::WorkerStart)
            continue; // about the task but not its state
        Work& w = task(e.task, e.ts);
        auto& s = w.s;
        switch (e.kind) {
        case EventKind::Spawn:
            s.parent = e.arg;
            s.spawn_location = e.arg2;
            // With virtual time many events share a timestamp and the spawning
            // thread's Spawn may sort after the worker's first poll: then it
            // names the task but does not reset its state.
            if (!w.seen_spawn && s.polls == 0 && !w.ended()) {
                s.spawned_at = e.ts;
                s.state = TaskState::Scheduled;
                w.since = e.ts;
            }
            w.seen_spawn = true;
            break;
        case EventKind::TaskName:
            s.name = std::string(trace.string(e.arg));
            break;
        case EventKind::PollStart:
            if (w.ended())
                break;
            w.close(e.ts);
            s.state = TaskState::Running;
            w.woken_while_running = false;
            ++s.polls;
            if (std::find(s.threads.begin(), s.threads.end(), e.thread) == s.threads.end())
                s.threads.insert(std::upper_bound(s.threads.begin(), s.threads.end(), e.thread),
                                 e.thread);
            break;
        case EventKind::PollEnd: {
            if (s.state != TaskState::Running)
                break;
            const auto d = e.ts - w.since;
            w.polls.push_back(d);
            if (d > options.long_poll_ns) {
                ++w.long_polls;
                s.warnings |= 1u << unsigned(WarningKind::LongPoll);
                Warning warn{WarningKind::LongPoll, s.id, w.since, d, {}};
                warn.message = task_label(s) + ": poll ran " + format_ns(d);
                out.warnings.push_back(std::move(warn));
            }
            w.close(e.ts);
            switch (e.outcome()) {
            case Outcome::Pending:
                ++s.pending_polls;
                if (e.arg)
                    s.last_await_site = e.arg;
                w.last_pending = e.ts;
                s.state = w.woken_while_running ? TaskState::Scheduled : TaskState::Idle;
                break;
            case Outcome::Ready:
                s.state = TaskState::Done;
                s.ended_at = e.ts;
                break;
            case Outcome::Failed:
                s.state = TaskState::Failed;
                s.ended_at = e.ts;
                break;
            }
            break;
        }
        case EventKind::Wake:
            ++s.wakes;
            if (e.arg == e.task)
                ++s.self_wakes;
            if (s.state == TaskState::Idle) {
                w.close(e.ts);
                s.state = TaskState::Scheduled;
            } else if (s.state == TaskState::Running) {
                w.woken_while_running = true;
            }
            break;
        case EventKind::Cancel:
            if (w.ended())
                break;
            w.close(e.ts);
            s.state = TaskState::Cancelled;
            s.ended_at = e.ts;
            break;
        case EventKind::Fail:
            if (s.state != TaskState::Failed) {
                w.close(e.ts);
                s.state = TaskState::Failed;
                s.ended_at = e.ts;
            }
            break;
        case EventKind::Yield:
            ++s.yields;
            break;
        default:
            break;
        }
    }

    const std::int64_t end = out.end_ts;
    for (auto& w : work) {
        auto& s = w.s;
        if (!w.ended() && end > w.since) {
            // Open interval up to the end; an unfinished wait is no sample.
            const auto d = end - w.since;
            if (s.state == TaskState::Scheduled)
                s.scheduled_ns += d;
            else if (s.state == TaskState::Idle)
                s.idle_ns += d;
            else if (s.state == TaskState::Running)
                s.busy_ns += d;
        }
        s.total_ns = (s.ended_at >= 0 ? s.ended_at : std::max(end, s.spawned_at)) - s.spawned_at;
        s.poll_times = summarize(w.polls);
        s.scheduled_times = summarize(w.scheduled);

        if (s.pending_polls == 0 && s.busy_ns > options.long_poll_ns) {
            s.warnings |= 1u << unsigned(WarningKind::NeverYielded);
            out.warnings.push_back(
                {WarningKind::NeverYielded, s.id, s.spawned_at, s.busy_ns,
                 task_label(s) + ": busy " + format_ns(s.busy_ns) + " without returning Pending"});
        }
        if (s.wakes >= options.min_wakes && s.wakes > 0 &&
            double(s.self_wakes) > options.self_wake_ratio * double(s.wakes)) {
            const auto pct = static_cast<std::int64_t>(100 * s.self_wakes / s.wakes);
            s.warnings |= 1u << unsigned(WarningKind::SelfWakes);
            out.warnings.push_back({WarningKind::SelfWakes, s.id, end, pct,
                                    task_label(s) + ": woke itself in " + std::to_string(pct) +
                                        "% of " + std::to_string(s.wakes) + " wakes"});
        }
        if (s.state == TaskState::Idle) {
            const auto idle = end - w.last_pending;
            s.warnings |= 1u << unsigned(WarningKind::LostWaker);
            std::string site = trace.location_text(s.last_await_site);
            out.warnings.push_back(
                {WarningKind::LostWaker, s.id, end, idle,
                 task_label(s) + ": Pending" + (site.empty() ? "" : " at " + site) +
                     " and not woken for " + format_ns(idle) + " (lost waker?)"});
        }
        out.tasks.push_back(std::move(s));
    }
    std::sort(out.tasks.begin(), out.tasks.end(),
              [](const TaskStats& a, const TaskStats& b) { return a.id < b.id; });
    std::stable_sort(out.warnings.begin(), out.warnings.end(),
                     [](const Warning& a, const Warning& b) {
                         return std::tie(a.ts, a.task, a.kind) < std::tie(b.ts, b.task, b.kind);
                     });
    return out;
}

} // namespace pollscope::trace
