#pragma once
// TraceStore: everything the views read. The events of one run (appended
// incrementally as the GUI drains the recorder, or all at once from a file),
// the interned tables, and the timeline's index: per lane (task or thread) a
// time-sorted array of polls, so a view can binary-search its visible range;
// wakes and markers sorted by time. Lives on the GUI thread (or is built on a
// worker thread and then handed over whole).

#include "event.h"
#include "timeline_lod.h"

#include <QString>

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pollscope::app {

/// One poll: PollStart .. PollEnd (end = -1 while it runs).
struct PollBar {
    std::int64_t start = 0;
    std::int64_t end = -1;
    std::uint32_t task = 0;
    std::uint32_t site = 0;   // await-site location id (PollEnd arg)
    std::uint32_t number = 0; // 1-based poll number of its task
    std::uint16_t thread = 0;
    trace::Outcome outcome = trace::Outcome::Pending;
    bool open() const noexcept { return end < 0; }
};

enum class MarkerKind : std::uint8_t { Spawn, Cancel, Yield, Shutdown, Mark, Fail };

struct Marker {
    std::int64_t ts = 0;
    std::uint32_t task = 0;
    std::uint32_t text = 0; // string id (Mark, Fail)
    std::uint16_t thread = 0;
    MarkerKind kind = MarkerKind::Mark;
};

struct WakeRec {
    std::int64_t ts = 0;
    std::uint32_t woken = 0;
    std::uint32_t waker = 0; // 0: a plain thread
    std::uint16_t thread = 0;
};

/// A lane: polls (indexes into TraceStore::polls()) sorted by start; a task's
/// or a thread's polls never overlap, so they are sorted by end as well.
struct Lane {
    std::uint32_t key = 0; // task id or thread index
    std::vector<std::uint32_t> polls;
    std::vector<WakeRec> wakes; // task lanes: wakes of the task, sorted by ts
    std::int64_t first = 0;     // lifetime: spawn (or first event)
    std::int64_t last = -1;     // end (Ready/cancel/fail), -1: alive
    /// Level of detail of the closed polls; built once the lane has
    /// TraceStore::kLodMinPolls polls (level_count() == 0 before).
    TimelineLod lod;
    // Task lanes, while indexing: the open poll (index in polls) and the count.
    std::uint32_t open_poll = kNoPoll;
    std::uint32_t poll_count = 0;
    static constexpr std::uint32_t kNoPoll = 0xffffffffu;
};

class TraceStore {
public:
    /// Lanes with fewer polls are drawn poll by poll at every zoom.
    static constexpr std::size_t kLodMinPolls = 256;

    TraceStore() = default;

    void clear();
    /// Adds new table entries (strings, locations, threads) from `tables`.
    void merge_tables(const trace::Trace& tables);
    /// Appends a batch of events (any order within it; sorted here).
    void append(std::vector<trace::Event> batch);
    /// Replaces everything with a whole trace.
    void load(trace::Trace trace);

    const trace::Trace& trace() const noexcept { return trace_; }
    const std::vector<PollBar>& polls() const noexcept { return polls_; }
    const std::vector<WakeRec>& wakes() const noexcept { return wakes_; }
    const std::vector<Marker>& markers() const noexcept { return markers_; }
    /// The markers that are not Spawn or Yield (cancel, fail, shutdown,
    /// marks), sorted by time: drawn even where spawns and yields are too
    /// many to draw.
    const std::vector<Marker>& rare_markers() const noexcept { return rare_markers_; }
    const std::vector<Lane>& task_lanes() const noexcept { return task_lanes_; }
    const std::vector<Lane>& thread_lanes() const noexcept { return thread_lanes_; }
    /// Lane index of a task / thread, or -1.
    int task_lane(std::uint32_t task) const;
    int thread_lane(std::uint16_t thread) const;

    std::int64_t start_ts() const noexcept { return start_; }
    std::int64_t end_ts() const noexcept { return end_; }
    bool empty() const noexcept { return trace_.events.empty(); }
    /// First index of trace().events the last append() changed (events
    /// before it kept their positions).
    std::size_t changed_from() const noexcept { return changed_from_; }
    /// Bumped by every change (views cache against it).
    std::uint64_t generation() const noexcept { return generation_; }

    /// Name of a task: its name, or "task N".
    QString task_label(std::uint32_t task) const;
    /// Name of a thread: a worker's is one name with its index ("worker 2").
    QString thread_label(std::uint16_t thread) const;
    /// Index in polls() of the first poll of `task` starting at or after ts, or -1.
    int poll_after(std::uint32_t task, std::int64_t ts) const;
    /// The wake that caused poll `index` (the last wake of its task before
    /// the poll started, after the task's previous poll), or nullptr.
    const WakeRec* cause_of(std::uint32_t poll_index) const;

private:
    void index(const trace::Event& e);
    Lane& task_lane_for(std::uint32_t task, std::int64_t ts);
    Lane& thread_lane_for(std::uint16_t thread);
    void insert_poll(std::vector<std::uint32_t>& v, std::uint32_t idx);
    std::pair<std::int64_t, std::uint16_t> thread_order(std::uint16_t thread) const;
    void sort_thread_lanes();
    /// Adds a closed poll to a lane's level of detail (building it once the
    /// lane is big enough); `lane_id` is the lane's index (task lanes) or
    /// key | kThreadLaneBit (thread lanes), listed for settle_lods().
    void lod_add(Lane& lane, std::uint32_t lane_id, const PollBar& bar);
    /// Settles the levels of detail add() changed since the last call.
    void settle_lods();
    /// Capacity for `more` events (and their polls, wakes, markers) ahead.
    void reserve_ahead(std::size_t more);
    static constexpr std::size_t kLiveReserve = std::size_t(1) << 23;
    static constexpr std::uint32_t kThreadLaneBit = 0x80000000u;

    trace::Trace trace_;
    std::vector<PollBar> polls_;
    std::vector<WakeRec> wakes_;
    std::vector<Marker> markers_;
    std::vector<Marker> rare_markers_;
    std::vector<Lane> task_lanes_;
    std::vector<Lane> thread_lanes_;
    // Task id -> lane: a flat vector for the usual small ids, a map beyond.
    static constexpr std::uint32_t kFlatTasks = 1u << 24;
    std::vector<int> task_lane_flat_;
    std::unordered_map<std::uint32_t, int> task_lane_of_;
    std::vector<std::uint32_t> lod_dirty_;                   // lanes (see lod_add) to settle
    std::unordered_map<std::uint32_t, std::uint32_t> names_; // task -> string id
    std::int64_t start_ = 0, end_ = 0;
    std::uint64_t generation_ = 0;
    std::size_t changed_from_ = 0;
};

} // namespace pollscope::app
