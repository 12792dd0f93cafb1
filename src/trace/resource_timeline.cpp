#include "resource_timeline.h"

#include "timeline_model.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <unordered_map>

namespace pollscope::trace {

std::uint32_t ResourceTimeline::waiting_at(std::int64_t ts) const noexcept {
    const auto it = std::upper_bound(waiting.begin(), waiting.end(), ts,
                                     [](std::int64_t t, const auto& s) { return t < s.first; });
    return it == waiting.begin() ? 0 : std::prev(it)->second;
}

bool ResourceTimeline::involves(std::uint32_t task) const noexcept {
    return std::binary_search(row.tasks.begin(), row.tasks.end(), task);
}

std::int64_t sleep_deadline(const TimelineModel& model, std::uint32_t id) {
    const ResourceInfo* info = model.resource(id);
    if (!info || info->kind != std::uint8_t(ResourceKind::Sleep))
        return -1;
    return info->ts + std::int64_t(info->arg) * 1000; // arg: us left
}

std::int32_t channel_level_at(const ChannelLane& c, std::int64_t ts) noexcept {
    const auto it = std::upper_bound(c.ops.begin(), c.ops.end(), ts,
                                     [](std::int64_t t, const ChannelOp& o) { return t < o.ts; });
    return c.level_before(std::size_t(it - c.ops.begin()));
}

ResourceKey resource_key(const TimelineModel& model, const ResourceRow& row) {
    const auto& chans = model.resource_lanes().channels();
    if (row.channel >= 0 && std::size_t(row.channel) < chans.size()) {
        const ChannelLane& c = chans[std::size_t(row.channel)];
        return {c.address, std::int16_t(c.kind), 0};
    }
    return {0, -1, row.id};
}

namespace {

/// Wakes looked at for the one that ended a wait (a task woken many times
/// during one poll has more; the wait then ends without an arrow).
constexpr int kMaxWakeScan = 64;

/// The wake that ended the wait after poll lane.polls[k]: the first of the
/// task's wakes since that poll started that made its next poll runnable
/// (the last poll: one linked to no poll yet), or nullptr.
const WakeRec* ending_wake(const TimelineModel& model, const Lane& lane, std::size_t k) {
    const PollBar& b = model.polls()[lane.polls[k]];
    const std::uint32_t next = k + 1 < lane.polls.size() ? lane.polls[k + 1] : kNoIndex;
    auto it = std::lower_bound(lane.wakes.begin(), lane.wakes.end(), b.start,
                               [](const WakeRec& w, std::int64_t t) { return w.ts < t; });
    for (int n = 0; it != lane.wakes.end() && n < kMaxWakeScan; ++it, ++n) {
        if (next != kNoIndex && it->ts > model.polls()[next].start)
            return nullptr;
        if (it->caused == next)
            return &*it;
    }
    return nullptr;
}

/// The tasks waiting after each change, from the waits.
void count_waiting(ResourceTimeline& r) {
    std::vector<std::pair<std::int64_t, int>> changes;
    changes.reserve(r.waits.size() * 2);
    for (const ResourceWait& w : r.waits) {
        changes.emplace_back(w.from, 1);
        changes.emplace_back(w.until, -1);
    }
    std::sort(changes.begin(), changes.end());
    std::int64_t count = 0;
    for (std::size_t i = 0; i < changes.size();) {
        const std::int64_t ts = changes[i].first;
        for (; i < changes.size() && changes[i].first == ts; ++i)
            count += changes[i].second;
        if (r.waiting.empty() || r.waiting.back().second != std::uint32_t(count))
            r.waiting.emplace_back(ts, std::uint32_t(count));
        r.peak_waiting = std::max(r.peak_waiting, std::uint32_t(count));
    }
}

/// A broadcast's subscribers from its recorded subscribes, drops and lags.
void recorded_subscribers(ResourceTimeline& r, const ChannelLane& c) {
    const auto& subs = c.subs;
    std::uint32_t alive = 0;
    for (const SubscriptionOp& s : subs) {
        if (s.kind == EventKind::BroadcastSubscribe)
            ++alive;
        else if (s.kind == EventKind::BroadcastUnsubscribe && alive > 0)
            --alive; // one created outside any poll went unrecorded
        else
            continue;
        r.receivers.emplace_back(s.ts, alive); // each change, equal times too (virtual clock)
    }
    // The subscribers, by first use.
    std::map<std::uint32_t, std::int64_t> first_use;
    const auto use = [&](std::uint32_t task, std::int64_t ts) {
        if (task == 0)
            return;
        auto [it, fresh] = first_use.try_emplace(task, ts);
        if (!fresh)
            it->second = std::min(it->second, ts);
    };
    for (const ChannelOp& o : c.ops)
        if (!o.send)
            use(o.task, o.ts);
    for (const ResourceWait& w : r.waits)
        use(w.task, w.from);
    for (const SubscriptionOp& s : subs)
        if (s.kind == EventKind::BroadcastLag)
            use(s.task, s.ts);
    std::vector<std::pair<std::int64_t, std::uint32_t>> order;
    for (const auto& [task, ts] : first_use)
        order.emplace_back(ts, task);
    std::sort(order.begin(), order.end());
    struct Track {
        Subscriber s;
        std::size_t sub = SIZE_MAX, unsub = SIZE_MAX; // indices in subs
        bool active = false;
        std::int32_t sent = 0;
        std::uint32_t missed = 0;
    };
    std::vector<Track> tracks;
    std::vector<bool> taken(subs.size());
    for (const auto& [first, task] : order) {
        Track t;
        t.s.task = task;
        std::size_t own = SIZE_MAX, any = SIZE_MAX;
        for (std::size_t i = 0; i < subs.size() && subs[i].ts <= first; ++i) {
            if (subs[i].kind != EventKind::BroadcastSubscribe || taken[i])
                continue;
            any = i;
            if (subs[i].task == task)
                own = i;
        }
        t.sub = own != SIZE_MAX ? own : any;
        t.active = t.sub == SIZE_MAX; // subscribed unrecorded: from the start
        if (t.sub != SIZE_MAX) {
            taken[t.sub] = true;
            t.s.subscribed = subs[t.sub].ts;
        }
        for (std::size_t i = t.sub == SIZE_MAX ? 0 : t.sub + 1; i < subs.size(); ++i)
            if (subs[i].kind == EventKind::BroadcastUnsubscribe && !taken[i] &&
                subs[i].task == task && subs[i].ts >= first) {
                taken[i] = true;
                t.unsub = i;
                t.s.unsubscribed = subs[i].ts;
                break;
            }
        tracks.push_back(t);
    }
    // One walk over the ops and the subscriptions in their recorded order.
    const auto lag = [](const Track& t) {
        return std::max(0, t.sent - std::int32_t(t.s.recvs) - std::int32_t(t.missed));
    };
    std::size_t si = 0;
    for (std::size_t k = 0; k <= c.ops.size(); ++k) {
        for (; si < subs.size() && subs[si].ops_before <= k; ++si) {
            const SubscriptionOp& s = subs[si];
            for (Track& t : tracks) {
                if (si == t.sub)
                    t.active = true;
                else if (si == t.unsub) {
                    t.s.lag_at_end = lag(t);
                    t.active = false;
                } else if (s.kind == EventKind::BroadcastLag && s.task == t.s.task) {
                    t.missed += s.missed;
                    t.s.missed += s.missed;
                }
            }
        }
        if (k == c.ops.size())
            break;
        const ChannelOp& o = c.ops[k];
        for (Track& t : tracks) {
            if (o.send && t.active) {
                ++t.sent;
                t.s.max_lag = std::max(t.s.max_lag, lag(t));
            } else if (!o.send && o.task == t.s.task) {
                ++t.s.recvs;
            }
        }
    }
    for (Track& t : tracks) {
        if (t.unsub == SIZE_MAX)
            t.s.lag_at_end = lag(t);
        r.subscribers.push_back(t.s);
    }
    std::sort(r.subscribers.begin(), r.subscribers.end(),
              [](const Subscriber& a, const Subscriber& b) { return a.task < b.task; });
}

/// A broadcast's subscribers and how far each fell behind its sends.
void find_subscribers(ResourceTimeline& r, const ChannelLane& c) {
    if (!c.subs.empty()) {
        recorded_subscribers(r, c);
        return;
    }
    std::map<std::uint32_t, Subscriber> subs;
    for (const ChannelOp& o : c.ops)
        if (!o.send && o.task != 0)
            subs[o.task].task = o.task;
    for (const std::uint32_t t : r.waiters)
        subs[t].task = t;
    // Lag changes only at a send (up) or the subscriber's own recv (down):
    // its highest is right after a send.
    std::int32_t sends = 0;
    for (const ChannelOp& o : c.ops) {
        if (!o.send) {
            if (const auto it = subs.find(o.task); it != subs.end())
                ++it->second.recvs;
            continue;
        }
        ++sends;
        for (auto& [task, s] : subs)
            s.max_lag = std::max(s.max_lag, sends - std::int32_t(s.recvs));
    }
    for (auto& [task, s] : subs) {
        s.lag_at_end = sends - std::int32_t(s.recvs);
        r.subscribers.push_back(s);
    }
}

/// Marks each broadcast send that a Shutdown event of the same task (or,
/// from a plain thread, the same thread) follows: the latest such send
/// before it, over every broadcast.
void find_shutdown_sends(std::vector<ResourceTimeline>& out, const TimelineModel& model) {
    const auto& chans = model.resource_lanes().channels();
    for (const Marker& m : model.rare_markers()) {
        if (m.kind != MarkerKind::Shutdown)
            continue;
        ResourceTimeline* best = nullptr;
        std::uint32_t best_op = 0;
        std::int64_t best_ts = 0;
        for (ResourceTimeline& r : out) {
            if (r.row.channel < 0)
                continue;
            const ChannelLane& c = chans[std::size_t(r.row.channel)];
            if (c.kind != std::uint8_t(ChannelKind::Broadcast))
                continue;
            for (std::size_t i = ResourceLanes::op_at_or_after(c, m.ts + 1); i-- > 0;) {
                const ChannelOp& o = c.ops[i];
                if (!o.send || o.task != m.task || (m.task == 0 && o.thread != m.thread))
                    continue;
                if (!best || o.ts > best_ts) {
                    best = &r;
                    best_op = std::uint32_t(i);
                    best_ts = o.ts;
                }
                break;
            }
        }
        if (best && (best->shutdown_ops.empty() || best->shutdown_ops.back() != best_op))
            best->shutdown_ops.push_back(best_op);
    }
    for (ResourceTimeline& r : out)
        std::sort(r.shutdown_ops.begin(), r.shutdown_ops.end());
}

} // namespace

std::vector<ResourceTimeline> resource_timelines(const TimelineModel& model, std::int64_t now,
                                                 std::stop_token stop) {
    if (!model.has_resources()) // a run with no resource: no scan of its polls
        return {};
    if (now < 0)
        now = model.end_ts();
    std::vector<ResourceRow> rows = resource_rows(model, now, stop);
    // The Pending polls that named no resource wait on nothing a lane can show.
    std::erase_if(rows, [](const ResourceRow& r) { return r.channel < 0 && r.id == 0; });
    std::vector<ResourceTimeline> out(rows.size());
    std::unordered_map<std::uint32_t, std::size_t> row_of_id;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        ResourceTimeline& r = out[i];
        r.row = std::move(rows[i]);
        for (const std::uint32_t id : r.row.ids)
            row_of_id.emplace(id, i);
        r.deadline = sleep_deadline(model, r.row.id);
        if (const ResourceInfo* info = model.resource(r.row.id))
            if (info->kind == std::uint8_t(ResourceKind::JoinHandle))
                r.joined = info->arg;
    }
    const auto& polls = model.polls();
    for (const Lane& lane : model.task_lanes()) {
        if (stop.stop_requested())
            return {};
        for (std::size_t k = 0; k < lane.polls.size(); ++k) {
            if ((k & 0xffff) == 0xffff && stop.stop_requested())
                return {};
            const std::uint32_t p = lane.polls[k];
            const PollBar& b = polls[p];
            if (b.open() || b.outcome != Outcome::Pending)
                continue;
            const auto it = row_of_id.find(model.waits_on(p));
            if (it == row_of_id.end())
                continue;
            ResourceWait w;
            w.task = lane.key;
            w.poll = p;
            w.from = b.end;
            w.until = b.end + wait_after(model, lane, k, now);
            if (const WakeRec* wake = ending_wake(model, lane, k)) {
                w.woken = std::max(wake->ts, b.end);
                w.waker = wake->waker;
            }
            out[it->second].waits.push_back(w);
        }
    }
    const auto& chans = model.resource_lanes().channels();
    for (ResourceTimeline& r : out) {
        std::sort(r.waits.begin(), r.waits.end(), [](const ResourceWait& a, const ResourceWait& b) {
            return std::pair(a.from, a.task) < std::pair(b.from, b.task);
        });
        for (const ResourceWait& w : r.waits)
            r.waiters.push_back(w.task);
        std::sort(r.waiters.begin(), r.waiters.end());
        r.waiters.erase(std::unique(r.waiters.begin(), r.waiters.end()), r.waiters.end());
        count_waiting(r);
        if (r.row.channel >= 0 &&
            chans[std::size_t(r.row.channel)].kind == std::uint8_t(ChannelKind::Broadcast))
            find_subscribers(r, chans[std::size_t(r.row.channel)]);
    }
    find_shutdown_sends(out, model);
    return out;
}

} // namespace pollscope::trace
