#include "resource_table.h"

#include "resource_text.h"
#include "timeline_model.h"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>

namespace pollscope::trace {

namespace {
/// The first wake of the lane at or after ts that is not linked to a poll
/// yet (one that made an earlier poll runnable may share its timestamp on
/// the virtual clock), or nullptr.
const WakeRec* unlinked_wake_from(const Lane& lane, std::int64_t ts) {
    auto it = std::lower_bound(lane.wakes.begin(), lane.wakes.end(), ts,
                               [](const WakeRec& w, std::int64_t t) { return w.ts < t; });
    for (; it != lane.wakes.end(); ++it)
        if (it->caused == kNoIndex)
            return &*it;
    return nullptr;
}
} // namespace

std::int64_t wait_after(const TimelineModel& model, const Lane& lane, std::size_t k,
                        std::int64_t now) {
    const auto& polls = model.polls();
    const PollBar& q = polls[lane.polls[k]];
    if (q.open() || q.outcome != Outcome::Pending)
        return 0;
    if (k + 1 < lane.polls.size()) {
        // As the statistics count idle time: up to when the next poll became runnable.
        const std::uint32_t next = lane.polls[k + 1];
        const std::int64_t from = std::max(model.ready_at(next), q.end);
        return polls[next].start < from ? 0 : from - q.end;
    }
    // The last poll: a wake since it started (not the one that caused it)
    // ends the wait (one during it: no wait).
    const std::int64_t stop = lane.last >= 0 ? lane.last : now;
    std::int64_t until = stop;
    if (const WakeRec* w = unlinked_wake_from(lane, q.start))
        until = std::min(std::max(w->ts, q.end), stop);
    return std::max<std::int64_t>(0, until - q.end);
}

bool waiting_at_end(const Lane& lane, const TimelineModel& model) {
    if (lane.polls.empty() || lane.last >= 0)
        return false;
    const PollBar& q = model.polls()[lane.polls.back()];
    return !q.open() && q.outcome == Outcome::Pending && !unlinked_wake_from(lane, q.start);
}

std::string resource_name(const TimelineModel& model, std::uint32_t id) {
    const ResourceInfo* r = model.resource(id);
    if (!r)
        return std::string(kUnknownResourceText);
    if (resource_arg2_is_name(r->kind)) {
        const std::string_view own = model.trace().string(r->arg);
        if (!own.empty())
            return std::string(own);
    }
    return resource_text(*r, model.trace());
}

namespace {
/// The channel kind a waited resource kind belongs to, or -1.
int channel_kind_of(std::uint8_t resource_kind) {
    switch (static_cast<ResourceKind>(resource_kind)) {
    case ResourceKind::MpscRecv:
    case ResourceKind::MpscSend:
        return int(ChannelKind::Mpsc);
    case ResourceKind::BroadcastRecv:
        return int(ChannelKind::Broadcast);
    case ResourceKind::OneshotRecv:
        return int(ChannelKind::Oneshot);
    case ResourceKind::TaskQueue:
        return int(ChannelKind::TaskQueue);
    default:
        return -1;
    }
}

/// The rows of the resources Pending polls waited on, by first wait.
std::vector<ResourceRow> waited_rows(const TimelineModel& model, std::int64_t now,
                                     const std::stop_token& stop) {
    std::vector<ResourceRow> rows;
    std::unordered_map<std::uint32_t, std::size_t> row_of; // resource id -> index in rows
    // The first wait on each resource decides its row's place: by (end, poll index).
    std::vector<std::pair<std::int64_t, std::uint32_t>> first;
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
            const std::uint32_t id = model.waits_on(p);
            auto [it, added] = row_of.try_emplace(id, rows.size());
            if (added) {
                ResourceRow r;
                r.id = id;
                r.ids.push_back(id);
                if (const ResourceInfo* info = model.resource(id))
                    r.kind = info->kind;
                r.kind_text = std::string(resource_kind_name(r.kind));
                r.name = resource_name(model, id);
                rows.push_back(std::move(r));
                first.emplace_back(b.end, p);
            }
            ResourceRow& r = rows[it->second];
            auto& f = first[it->second];
            if (std::pair(b.end, p) <= f) {
                f = {b.end, p};
                r.first_site = b.site;
            }
            ++r.waits;
            r.wait_ns += wait_after(model, lane, k, now);
            if (r.tasks.empty() || r.tasks.back() != lane.key)
                r.tasks.push_back(lane.key);
        }
        if (waiting_at_end(lane, model))
            ++rows[row_of.at(model.waits_on(lane.polls.back()))].waiters_now;
    }
    std::vector<std::size_t> order(rows.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return first[a] < first[b]; });
    std::vector<ResourceRow> out;
    out.reserve(rows.size());
    for (std::size_t i : order)
        out.push_back(std::move(rows[i]));
    return out;
}

void add_tasks(std::vector<std::uint32_t>& to, const std::vector<std::uint32_t>& from) {
    to.insert(to.end(), from.begin(), from.end());
}
} // namespace

std::vector<ResourceRow> resource_rows(const TimelineModel& model, std::int64_t now,
                                       std::stop_token stop) {
    if (now < 0)
        now = model.end_ts();
    std::vector<ResourceRow> waited = waited_rows(model, now, stop);
    if (stop.stop_requested())
        return {};
    const auto& chans = model.resource_lanes().channels();
    std::vector<ResourceRow> out;
    out.reserve(chans.size() + waited.size());
    std::array<int, 256> channels_of_kind{};
    for (const ChannelLane& c : chans)
        ++channels_of_kind[c.kind];
    for (std::size_t ci = 0; ci < chans.size(); ++ci) {
        const ChannelLane& c = chans[ci];
        ResourceRow r;
        r.channel = int(ci);
        r.kind_text = std::string(channel_kind_name(c.kind));
        r.name = ResourceLanes::label(c);
        r.sends = c.sends;
        r.recvs = c.recvs;
        for (const ChannelOp& op : c.ops)
            if (op.task != 0)
                r.tasks.push_back(op.task);
        out.push_back(std::move(r));
    }
    // The waits of a kind's only channel, when its resources share one name.
    std::array<int, 256> only_channel;
    only_channel.fill(-1);
    for (std::size_t ci = 0; ci < chans.size(); ++ci)
        if (channels_of_kind[chans[ci].kind] == 1)
            only_channel[chans[ci].kind] = int(ci);
    std::array<const std::string*, 256> name_of_kind{};
    std::array<bool, 256> one_name;
    one_name.fill(true);
    for (const ResourceRow& w : waited)
        if (const int ck = channel_kind_of(w.kind); ck >= 0) {
            const std::string* n = &w.name;
            if (!name_of_kind[std::size_t(ck)])
                name_of_kind[std::size_t(ck)] = n;
            else if (*name_of_kind[std::size_t(ck)] != *n)
                one_name[std::size_t(ck)] = false;
        }
    // Else the one channel of its kind that a task waiting on it then used
    // the same way (sent on, for a send wait; received from, else).
    std::vector<std::unordered_set<std::uint32_t>> senders(chans.size()), receivers(chans.size());
    for (std::size_t ci = 0; ci < chans.size(); ++ci)
        for (const ChannelOp& op : chans[ci].ops)
            (op.send ? senders : receivers)[ci].insert(op.task);
    const auto used_by_waiter = [&](const ResourceRow& w, int ck) {
        const bool send = static_cast<ResourceKind>(w.kind) == ResourceKind::MpscSend;
        int found = -1;
        for (std::size_t ci = 0; ci < chans.size(); ++ci) {
            if (chans[ci].kind != ck)
                continue;
            const auto& users = (send ? senders : receivers)[ci];
            if (std::any_of(w.tasks.begin(), w.tasks.end(),
                            [&](std::uint32_t t) { return users.contains(t); })) {
                if (found >= 0)
                    return -1; // two candidates: cannot tell
                found = int(ci);
            }
        }
        return found;
    };
    for (ResourceRow& w : waited) {
        const int ck = channel_kind_of(w.kind);
        int ci = ck >= 0 && one_name[std::size_t(ck)] ? only_channel[std::size_t(ck)] : -1;
        if (ci < 0 && ck >= 0)
            ci = used_by_waiter(w, ck);
        if (ci < 0) {
            out.push_back(std::move(w));
            continue;
        }
        ResourceRow& r = out[std::size_t(ci)];
        if (r.id == 0) { // the first resource merged in names the channel
            r.id = w.id;
            r.kind = w.kind;
            r.name = w.name;
            r.first_site = w.first_site;
        }
        r.waiters_now += w.waiters_now;
        r.waits += w.waits;
        r.wait_ns += w.wait_ns;
        add_tasks(r.tasks, w.tasks);
        r.ids.insert(r.ids.end(), w.ids.begin(), w.ids.end());
    }
    for (ResourceRow& r : out) {
        std::sort(r.tasks.begin(), r.tasks.end());
        r.tasks.erase(std::unique(r.tasks.begin(), r.tasks.end()), r.tasks.end());
    }
    return out;
}

} // namespace pollscope::trace
