#pragma once
// ResourceLanes: each channel's traffic over time, from the ChannelSend and
// ChannelRecv events (a channel is its address and kind): every send and
// recv in time order, who did it, and the fill level after it (sends minus
// recvs since the trace began). The timeline draws one lane per channel.
//
// The trace holds no capacity for a channel's address, and a channel's
// Resource event (its name, see event.h) carries no address, so neither can
// be matched to a channel reliably: channels are labelled by kind and their
// order of first use ("mpsc 2", "task channel"), and the level is drawn
// against the highest level it reached.
//
// A broadcast's receivers (BroadcastSubscribe, BroadcastUnsubscribe,
// BroadcastLag) are kept with its lane, each placed among its ops; those of
// a channel with no op yet wait until its first op comes.
//
// Fed event by event by TimelineModel::index() (load and append alike): an
// op in time order costs O(1); a late one (another thread's drain came
// first) costs the ops of its channel after it.

#include "event.h"

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace pollscope::trace {

/// One send or recv of a channel.
struct ChannelOp {
    std::int64_t ts = 0;
    std::uint32_t task = 0;   // the task that sent/received (0: a plain thread)
    std::int32_t level = 0;   // sends - recvs after this op (a broadcast's may go below 0)
    std::int32_t peak = 0;    // the highest level up to and including this op (>= 0)
    std::uint16_t thread = 0; // the recording thread
    bool send = false;
    friend bool operator==(const ChannelOp&, const ChannelOp&) = default;
};

/// A broadcast receiver created, dropped or found lagged.
struct SubscriptionOp {
    std::int64_t ts = 0;
    std::uint32_t task = 0;       // the task that did it (0: a plain thread)
    std::uint32_t missed = 0;     // BroadcastLag: the values it missed
    std::uint32_t ops_before = 0; // the channel's ops that came before it
    std::uint16_t thread = 0;
    EventKind kind = EventKind::BroadcastSubscribe;
    friend bool operator==(const SubscriptionOp&, const SubscriptionOp&) = default;
};

struct ChannelLane {
    std::uint64_t address = 0;
    std::uint8_t kind = 0;      // pollscope::ChannelKind
    std::uint32_t ordinal = 1;  // 1-based among the channels of its kind, by first use
    std::vector<ChannelOp> ops; // by ts; equal ts keep the order they were recorded in
    std::uint32_t sends = 0, recvs = 0;
    std::vector<SubscriptionOp> subs; // a broadcast's, by ts (equal: as they came)

    std::int64_t first_ts() const noexcept { return ops.empty() ? 0 : ops.front().ts; }
    std::int32_t peak() const noexcept { return ops.empty() ? 0 : ops.back().peak; }
    /// The level before op i (0 before the first).
    std::int32_t level_before(std::size_t i) const noexcept {
        return i == 0 ? 0 : ops[i - 1].level;
    }
    /// Sends among ops [i, j): the count and the level's change tell it.
    std::uint32_t sends_in(std::size_t i, std::size_t j) const noexcept {
        return std::uint32_t((std::int64_t(j - i) + ops[j - 1].level - level_before(i)) / 2);
    }
    /// The highest level after any op in [i, j) (j > i): the running peaks
    /// give it at once when [i, j) holds the peak so far; else a scan of at
    /// most kMaxScan ops (beyond that: the peak up to j, an upper bound).
    std::int32_t max_level(std::size_t i, std::size_t j) const noexcept;
    static constexpr std::size_t kMaxScan = 4096;
    friend bool operator==(const ChannelLane&, const ChannelLane&) = default;
};

class ResourceLanes {
public:
    void clear();
    /// Adds a ChannelSend / ChannelRecv / Broadcast(Un)Subscribe /
    /// BroadcastLag event (others are ignored).
    void add(const Event& e);
    /// The channels by first use (time; equal times by address, kind).
    const std::vector<ChannelLane>& channels() const noexcept { return channels_; }
    /// "task channel", "mpsc 2", "broadcast 1", "oneshot 3".
    static std::string label(const ChannelLane& c);
    /// Index in channels() of the first op at or after ts.
    static std::size_t op_at_or_after(const ChannelLane& c, std::int64_t ts);
    friend bool operator==(const ResourceLanes& a, const ResourceLanes& b) {
        return a.channels_ == b.channels_ && a.pending_ == b.pending_;
    }

private:
    /// A receiver's event: into its channel's subs, or pending_ until it has one.
    void add_subscription(const Event& e);
    static void insert_subscription(ChannelLane& c, SubscriptionOp op);
    /// A broadcast's pending subscriptions, into its new lane.
    void adopt_pending(ChannelLane& c);
    /// Moves channels_[moved], whose first use became earlier, to its place.
    void reorder(std::size_t moved);
    static std::uint64_t key(std::uint64_t address, std::uint8_t kind) {
        // Addresses are at least 8-byte aligned: the kind fits in the low bits.
        return (address << 3) ^ kind;
    }
    std::vector<ChannelLane> channels_;
    std::unordered_map<std::uint64_t, std::uint32_t> index_; // key -> index in channels_
    std::array<std::uint32_t, 256> kind_count_{};            // channels per kind
    // Subscriptions of broadcasts with no op yet: (address, or for a lag its
    // low 32 bits with kLowOnly set; the op).
    static constexpr std::uint64_t kLowOnly = 1;
    std::vector<std::pair<std::uint64_t, SubscriptionOp>> pending_;
};

} // namespace pollscope::trace
