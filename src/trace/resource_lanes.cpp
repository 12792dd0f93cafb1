#include "resource_lanes.h"

#include <algorithm>
#include <tuple>

namespace pollscope::trace {

std::int32_t ChannelLane::max_level(std::size_t i, std::size_t j) const noexcept {
    const std::int32_t peak_before = i == 0 ? 0 : ops[i - 1].peak;
    if (ops[j - 1].peak > peak_before)
        return ops[j - 1].peak; // a new peak was reached in [i, j)
    if (j - i > kMaxScan)
        return ops[j - 1].peak;
    std::int32_t m = ops[i].level;
    for (std::size_t k = i + 1; k < j; ++k)
        m = std::max(m, ops[k].level);
    return m;
}

void ResourceLanes::clear() {
    channels_.clear();
    index_.clear();
    pending_.clear();
    kind_count_.fill(0);
}

std::size_t ResourceLanes::op_at_or_after(const ChannelLane& c, std::int64_t ts) {
    return std::size_t(
        std::lower_bound(c.ops.begin(), c.ops.end(), ts,
                         [](const ChannelOp& o, std::int64_t t) { return o.ts < t; }) -
        c.ops.begin());
}

std::string ResourceLanes::label(const ChannelLane& c) {
    const std::string n = std::to_string(c.ordinal);
    switch (static_cast<ChannelKind>(c.kind)) {
    case ChannelKind::TaskQueue:
        return c.ordinal == 1 ? "task channel" : "task channel " + n;
    case ChannelKind::Mpsc:
    case ChannelKind::Broadcast:
    case ChannelKind::Oneshot:
        break;
    }
    return std::string(channel_kind_name(c.kind)) + " " + n;
}

void ResourceLanes::add(const Event& e) {
    if (e.kind == EventKind::BroadcastSubscribe || e.kind == EventKind::BroadcastUnsubscribe ||
        e.kind == EventKind::BroadcastLag) {
        add_subscription(e);
        return;
    }
    if (e.kind != EventKind::ChannelSend && e.kind != EventKind::ChannelRecv)
        return;
    const std::uint64_t address = std::uint64_t(e.arg) | (std::uint64_t(e.arg2) << 32);
    const auto [slot, fresh] = index_.try_emplace(key(address, e.flag), 0);
    if (fresh) {
        slot->second = std::uint32_t(channels_.size());
        ChannelLane c;
        c.address = address;
        c.kind = e.flag;
        c.ordinal = ++kind_count_[e.flag];
        channels_.push_back(std::move(c));
    }
    const std::size_t ci = slot->second;
    auto& c = channels_[ci];
    const bool send = e.kind == EventKind::ChannelSend;
    ChannelOp op{e.ts, e.task, 0, 0, e.thread, send};
    (send ? c.sends : c.recvs) += 1;
    const std::int64_t old_first = c.ops.empty() ? 0 : c.first_ts();
    // Equal times keep the order they came in (a thread's own order).
    auto it = std::upper_bound(c.ops.begin(), c.ops.end(), e.ts,
                               [](std::int64_t t, const ChannelOp& o) { return t < o.ts; });
    std::size_t i = std::size_t(it - c.ops.begin());
    c.ops.insert(it, op);
    // A late op (not at the end) comes before the subscriptions after it.
    if (i + 1 < c.ops.size())
        for (SubscriptionOp& s : c.subs)
            if (s.ops_before > i || (s.ops_before == i && op.ts < s.ts))
                ++s.ops_before;
    if (fresh)
        adopt_pending(c);
    // Levels and running peaks from the new op on (only it, when in order).
    for (; i < c.ops.size(); ++i) {
        auto& o = c.ops[i];
        o.level = c.level_before(i) + (o.send ? 1 : -1);
        o.peak = std::max(i == 0 ? 0 : c.ops[i - 1].peak, o.level);
    }
    if (fresh || c.first_ts() != old_first)
        reorder(ci);
}

void ResourceLanes::insert_subscription(ChannelLane& c, SubscriptionOp op) {
    op.ops_before = std::uint32_t(
        std::upper_bound(c.ops.begin(), c.ops.end(), op.ts,
                         [](std::int64_t t, const ChannelOp& o) { return t < o.ts; }) -
        c.ops.begin());
    const auto it =
        std::upper_bound(c.subs.begin(), c.subs.end(), op.ts,
                         [](std::int64_t t, const SubscriptionOp& s) { return t < s.ts; });
    c.subs.insert(it, op);
}

void ResourceLanes::add_subscription(const Event& e) {
    const SubscriptionOp op{e.ts, e.task,   e.kind == EventKind::BroadcastLag ? e.arg2 : 0,
                            0,    e.thread, e.kind};
    const auto broadcast = std::uint8_t(ChannelKind::Broadcast);
    if (e.kind != EventKind::BroadcastLag) {
        const std::uint64_t address = std::uint64_t(e.arg) | (std::uint64_t(e.arg2) << 32);
        if (const auto it = index_.find(key(address, broadcast)); it != index_.end())
            insert_subscription(channels_[it->second], op);
        else
            pending_.emplace_back(address, op);
        return;
    }
    // A lag names its channel by the low 32 bits of the address only.
    for (ChannelLane& c : channels_)
        if (c.kind == broadcast && std::uint32_t(c.address) == e.arg) {
            insert_subscription(c, op);
            return;
        }
    pending_.emplace_back((std::uint64_t(e.arg) << 1) | kLowOnly, op);
}

void ResourceLanes::adopt_pending(ChannelLane& c) {
    if (pending_.empty() || c.kind != std::uint8_t(ChannelKind::Broadcast))
        return;
    const auto mine = [&](const std::pair<std::uint64_t, SubscriptionOp>& p) {
        return (p.first & kLowOnly) != 0 ? (p.first >> 1) == std::uint32_t(c.address)
                                         : p.first == c.address;
    };
    for (const auto& p : pending_)
        if (mine(p))
            insert_subscription(c, p.second);
    std::erase_if(pending_, mine);
}

void ResourceLanes::reorder(std::size_t moved) {
    // Only `moved` is out of place, and only to the left (its first use
    // became earlier, or it is new, at the end): rotate it to its place,
    // which is near for the usual late events (not a sort of every channel).
    const auto before = [](const ChannelLane& a, const ChannelLane& b) {
        return std::tuple(a.first_ts(), a.address, a.kind) <
               std::tuple(b.first_ts(), b.address, b.kind);
    };
    const auto to =
        std::size_t(std::upper_bound(channels_.begin(), channels_.begin() + std::ptrdiff_t(moved),
                                     channels_[moved], before) -
                    channels_.begin());
    if (to == moved)
        return;
    // It takes the ordinal of the first channel of its kind it passes;
    // those it passes count one more.
    auto& m = channels_[moved];
    bool passed = false;
    for (std::size_t k = to; k < moved; ++k) {
        auto& c = channels_[k];
        if (c.kind != m.kind)
            continue;
        if (!passed)
            m.ordinal = c.ordinal;
        passed = true;
        ++c.ordinal;
    }
    std::rotate(channels_.begin() + std::ptrdiff_t(to), channels_.begin() + std::ptrdiff_t(moved),
                channels_.begin() + std::ptrdiff_t(moved) + 1);
    for (std::size_t k = to; k <= moved; ++k)
        index_[key(channels_[k].address, channels_[k].kind)] = std::uint32_t(k);
}

} // namespace pollscope::trace
