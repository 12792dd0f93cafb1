#pragma once
// TimelineLod: a lane's level of detail, so that a zoomed-out frame touches
// O(pixels) data instead of O(polls).
//
// A mip pyramid over time: level k cuts time into buckets of 2^(kBaseShift+k)
// nanoseconds (level 0: 8.192 us, each level doubles). A bucket aggregates
// the closed polls that START in it: how many, how many ended Ready / Failed,
// the sum of their durations (busy time), the first start and the last end.
// Only buckets holding at least one poll are stored (sorted by time), so a
// level never holds more entries than the lane has polls, and a sparse lane
// (one poll a second for an hour) costs as little as a dense one.
//
// The view picks the coarsest level whose bucket is no wider than a pixel,
// so every pixel column merges one or two buckets; below 2^kBaseShift ns per
// pixel it draws the lane's polls one by one (there are few in view then).
//
// Header-only (the app library lists its sources; this keeps it out).
//
// Incremental: add() touches level 0 only (O(1) for a poll in time order,
// the live case; an out-of-order poll is inserted by binary search) and
// remembers the first level-0 bucket it changed; settle() then rebuilds the
// levels above from there, one sequential pass per level, and adds levels on
// top while the top one holds more than a few buckets. The store settles the
// lanes an append touched, so a batch costs O(new buckets), not O(polls x
// levels) scattered cache misses.

#include "event.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace pollscope::trace {

struct LodBucket {
    std::int64_t first = 0;    // earliest start of a poll in the bucket
    std::int64_t last_end = 0; // latest end of those polls
    std::int64_t busy = 0;     // sum of their durations (ns)
    std::uint32_t polls = 0;
    std::uint16_t ready = 0;  // how many ended Ready (saturates at 65535)
    std::uint16_t failed = 0; // how many ended Failed (saturates)
};

class TimelineLod {
public:
    /// Level 0 buckets are 2^kBaseShift ns wide.
    static constexpr int kBaseShift = 13;
    /// Levels stop at 2^(kBaseShift + kMaxLevels - 1) ns (about 2.4 hours).
    static constexpr int kMaxLevels = 30;

    /// Adds a closed poll [start, end] (end >= start) with its outcome to
    /// level 0; returns true when the lane was settled before (so the caller
    /// can list it for settle()).
    bool add(std::int64_t start, std::int64_t end, Outcome outcome);
    /// Brings the levels above 0 up to date with level 0.
    void settle();
    bool settled() const noexcept { return dirty_ == kClean; }
    void clear() {
        levels_.clear();
        dirty_ = kClean;
    }

    int level_count() const noexcept { return int(levels_.size()); }
    const std::vector<LodBucket>& level(int k) const { return levels_[std::size_t(k)]; }
    static constexpr int shift(int k) noexcept { return kBaseShift + k; }
    static constexpr std::int64_t width(int k) noexcept { return std::int64_t(1) << shift(k); }
    /// Bucket number of time t at level k (floor).
    static std::int64_t bucket_of(std::int64_t t, int k) noexcept { return t >> shift(k); }
    /// The coarsest level whose buckets are at most `ns_per_pixel` wide, or
    /// -1 when even level 0 is wider (draw polls one by one).
    int level_for(double ns_per_pixel) const noexcept;
    /// Entries over all levels (memory accounting).
    std::size_t bucket_count() const noexcept;

private:
    static void merge_into(LodBucket& b, std::int64_t start, std::int64_t end, std::int64_t busy,
                           std::uint32_t polls, std::uint32_t ready, std::uint32_t failed);
    /// Merges into level k's bucket of `start`; returns that bucket's position.
    std::size_t add_at(int k, std::int64_t start, std::int64_t end, std::int64_t busy,
                       std::uint32_t polls, std::uint32_t ready, std::uint32_t failed);
    /// Rebuilds level k (>= 1) from level k-1's entries at and after `from`;
    /// returns the first position of level k it changed.
    std::size_t rebuild_from(int k, std::size_t from);

    static constexpr std::size_t kClean = std::size_t(-1);
    std::vector<std::vector<LodBucket>> levels_;
    std::size_t dirty_ = kClean; // first level-0 position changed since settle()
};

namespace lod_detail {
inline std::uint16_t sat16(std::uint32_t v) {
    return std::uint16_t(std::min<std::uint32_t>(v, std::numeric_limits<std::uint16_t>::max()));
}
} // namespace lod_detail

inline void TimelineLod::merge_into(LodBucket& b, std::int64_t start, std::int64_t end,
                                    std::int64_t busy, std::uint32_t polls, std::uint32_t ready,
                                    std::uint32_t failed) {
    if (b.polls == 0) {
        b.first = start;
        b.last_end = end;
    } else {
        b.first = std::min(b.first, start);
        b.last_end = std::max(b.last_end, end);
    }
    b.busy += busy;
    b.polls += polls;
    b.ready = lod_detail::sat16(std::uint32_t(b.ready) + ready);
    b.failed = lod_detail::sat16(std::uint32_t(b.failed) + failed);
}

inline std::size_t TimelineLod::add_at(int k, std::int64_t start, std::int64_t end,
                                       std::int64_t busy, std::uint32_t polls, std::uint32_t ready,
                                       std::uint32_t failed) {
    auto& v = levels_[std::size_t(k)];
    const std::int64_t b = bucket_of(start, k);
    if (v.empty() || bucket_of(v.back().first, k) < b) {
        v.emplace_back();
        merge_into(v.back(), start, end, busy, polls, ready, failed);
        return v.size() - 1;
    }
    if (bucket_of(v.back().first, k) == b) {
        merge_into(v.back(), start, end, busy, polls, ready, failed);
        return v.size() - 1;
    }
    // Out of order: find the bucket (or where it goes).
    auto it = std::lower_bound(v.begin(), v.end(), b, [k](const LodBucket& x, std::int64_t want) {
        return bucket_of(x.first, k) < want;
    });
    if (it == v.end() || bucket_of(it->first, k) != b)
        it = v.insert(it, LodBucket{});
    merge_into(*it, start, end, busy, polls, ready, failed);
    return std::size_t(it - v.begin());
}

inline std::size_t TimelineLod::rebuild_from(int k, std::size_t from) {
    const auto& below = levels_[std::size_t(k - 1)];
    auto& v = levels_[std::size_t(k)];
    if (from >= below.size())
        return v.size();
    // Level k's bucket holding below[from], and the first entry of the level
    // below that belongs to it: everything from there is merged again.
    const std::int64_t b = bucket_of(below[from].first, k);
    // Usually one of the last few buckets (the live edge): look there first.
    auto vit = v.end();
    while (vit != v.begin() && v.end() - vit < 4 && bucket_of((vit - 1)->first, k) >= b)
        --vit;
    if (vit != v.begin() && bucket_of((vit - 1)->first, k) >= b)
        vit = std::lower_bound(v.begin(), vit, b, [k](const LodBucket& x, std::int64_t want) {
            return bucket_of(x.first, k) < want;
        });
    const std::size_t pos = std::size_t(vit - v.begin());
    v.erase(vit, v.end());
    std::size_t i = from;
    while (i > 0 && bucket_of(below[i - 1].first, k) == b)
        --i;
    for (; i < below.size(); ++i) {
        const auto& x = below[i];
        if (v.size() == pos || bucket_of(v.back().first, k) != bucket_of(x.first, k))
            v.emplace_back();
        merge_into(v.back(), x.first, x.last_end, x.busy, x.polls, x.ready, x.failed);
    }
    return pos;
}

inline bool TimelineLod::add(std::int64_t start, std::int64_t end, Outcome outcome) {
    end = std::max(end, start);
    if (levels_.empty())
        levels_.emplace_back();
    const std::uint32_t ready = outcome == Outcome::Ready ? 1 : 0;
    const std::uint32_t failed = outcome == Outcome::Failed ? 1 : 0;
    const std::size_t pos = add_at(0, start, end, end - start, 1, ready, failed);
    const bool was_clean = dirty_ == kClean;
    dirty_ = std::min(dirty_, pos);
    return was_clean;
}

inline void TimelineLod::settle() {
    if (dirty_ == kClean || levels_.empty())
        return;
    std::size_t from = dirty_;
    for (int k = 1; k < int(levels_.size()); ++k)
        from = rebuild_from(k, from);
    // New levels on top while the top one still has several buckets.
    while (levels_.size() < std::size_t(kMaxLevels) && levels_.back().size() > 4) {
        levels_.emplace_back();
        rebuild_from(int(levels_.size()) - 1, 0);
    }
    dirty_ = kClean;
}

inline int TimelineLod::level_for(double ns_per_pixel) const noexcept {
    if (levels_.empty() || ns_per_pixel < double(width(0)))
        return -1;
    const int k = int(std::floor(std::log2(ns_per_pixel))) - kBaseShift;
    return std::clamp(k, 0, int(levels_.size()) - 1);
}

inline std::size_t TimelineLod::bucket_count() const noexcept {
    std::size_t n = 0;
    for (const auto& l : levels_)
        n += l.size();
    return n;
}

} // namespace pollscope::trace
