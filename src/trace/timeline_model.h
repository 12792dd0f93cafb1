#pragma once
// TimelineModel: what a run means, derived once from the recorder's events.
// Every reader of a trace (the timeline, the task table, the event log, the
// Chrome JSON export, the CLI) reads this; nothing else pairs a PollStart
// with its PollEnd.
//
// - Polls: PollStart .. PollEnd, paired per recording thread (a stack per
//   thread: a thread polls one task at a time, or nests one inside another,
//   as a LocalSet awaited inside a task does), so the pairing is exact even
//   when drains deliver other threads' events late. Each poll carries its
//   task, thread, outcome, await site and poll number; ready_at() tells when
//   the task became runnable for it (spawn, the wake that caused it, or the
//   end of the previous poll when it was woken while running).
// - Causal links: every wake names the poll it caused (`caused`), the first
//   poll of the woken task that starts after it (a wake during the task's own
//   poll causes the next one); a wake that caused nothing (the task finished)
//   says so, so no flow arrow dangles.
// - Intervals: waiting = previous poll's Pending end .. ready_at, scheduled =
//   ready_at .. poll start; see waits_before().
// - Markers (spawn, cancel, fail, yield, shutdown, marks), each task's
//   lifetime, parent and spawn site, per-lane poll indexes (task lanes and
//   thread lanes) and each lane's level-of-detail pyramid.
//
// It grows by append() of drain deltas in time proportional to the delta
// (out-of-order stragglers cost a binary search). Not thread-safe by itself:
// one writer, readers synchronised by the owner (the app's TimelineFeed
// builds a private copy and swaps it with the one readers see, O(1)).

#include "event.h"
#include "recorder.h"
#include "resource_lanes.h"
#include "timeline_lod.h"

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pollscope::trace {

inline constexpr std::uint32_t kNoIndex = 0xffffffffu;

/// One poll: PollStart .. PollEnd (end = -1 while it runs).
struct PollBar {
    std::int64_t start = 0;
    std::int64_t end = -1;
    std::uint32_t task = 0;
    std::uint32_t site = 0;   // await-site location id (PollEnd arg)
    std::uint32_t number = 0; // 1-based poll number of its task
    std::uint16_t thread = 0;
    Outcome outcome = Outcome::Pending;
    bool woken = false; // a wake is linked to it (see WakeRec::caused)
    bool open() const noexcept { return end < 0; }
};

/// A resource tasks wait on (a Resource event; see event.h and resource_text.h).
struct ResourceInfo {
    std::int64_t ts = 0;   // when it was described (the first poll that waited on it)
    std::uint32_t arg = 0; // by kind: time left, joined task, name's string id (event.h)
    std::uint8_t kind = 0; // pollscope::ResourceKind
};

enum class MarkerKind : std::uint8_t { Spawn, Cancel, Yield, Shutdown, Mark, Fail };

struct Marker {
    std::int64_t ts = 0;
    std::uint32_t task = 0;
    std::uint32_t text = 0; // string id (Mark, Fail); spawn location id (Spawn)
    std::uint16_t thread = 0;
    MarkerKind kind = MarkerKind::Mark;
};

struct WakeRec {
    std::int64_t ts = 0;
    std::uint32_t woken = 0;
    std::uint32_t waker = 0;         // 0: a plain thread
    std::uint32_t caused = kNoIndex; // index in polls() of the poll it caused
    std::uint16_t thread = 0;
    WakeSource source = WakeSource::Direct; // Timer: the timer driver, run by `thread`
};

/// A lane: polls (indexes into TimelineModel::polls()) sorted by start; a
/// task's or a thread's polls never overlap (nested polls on one thread are
/// inside each other), so they are sorted by end as well.
struct Lane {
    std::uint32_t key = 0; // task id or thread index
    std::vector<std::uint32_t> polls;
    std::vector<WakeRec> wakes;   // task lanes: wakes of the task, sorted by ts
    std::int64_t first = 0;       // lifetime: spawn (or first event)
    std::int64_t last = -1;       // end (Ready/cancel/fail), -1: alive
    std::uint32_t parent = 0;     // task lanes: the spawning task (0: none)
    std::uint32_t spawn_site = 0; // task lanes: spawn location id
    std::uint32_t name = 0;       // task lanes: string id of the name (0: none)
    bool spawned = false;         // a Spawn event was seen
    /// Level of detail of the closed polls; built once the lane has
    /// TimelineModel::kLodMinPolls polls (level_count() == 0 before).
    TimelineLod lod;
    // Task lanes, while indexing: how many polls, and wakes not yet linked
    // to the poll they cause (they wait for its PollStart).
    std::uint32_t poll_count = 0;
    std::uint32_t unlinked_wakes = 0;
};

/// A stretch in which a task was not being polled.
struct Wait {
    enum class Kind : std::uint8_t { Waiting, Scheduled };
    std::int64_t start = 0, end = 0;
    Kind kind = Kind::Waiting;
};

class TimelineModel {
public:
    /// Lanes with fewer polls are drawn poll by poll at every zoom.
    static constexpr std::size_t kLodMinPolls = 256;

    void clear();
    /// Adds new table entries (strings, locations, threads) from `tables`
    /// (a drain's tables, or a whole trace: entries beyond ours are copied).
    void merge_tables(const Trace& tables);
    /// Appends a batch of events (any order within it; sorted here). Across
    /// batches each thread's events must come in its own order (as drains
    /// deliver them); other threads' events may arrive late.
    /// Lod::Defer leaves the levels of detail above level 0 to the next
    /// append that settles them: for a copy no one reads before then (the
    /// live feed's), a batch's lanes are settled once, not twice.
    enum class Lod : std::uint8_t { Settle, Defer };
    void append(std::vector<Event> batch, Lod lod = Lod::Settle);
    /// Adds a recorder drain: its new table entries, then its events.
    void apply(TraceDelta delta, Lod lod = Lod::Settle);
    /// Replaces everything with a whole trace.
    void load(Trace trace);

    const Trace& trace() const noexcept { return trace_; }
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
    /// First index of trace().events that the appends since the last
    /// mark_changes_seen() changed (events before it kept their positions).
    std::size_t changed_from() const noexcept { return changed_from_; }
    /// The one reader that follows changed_from() has seen everything.
    void mark_changes_seen() const noexcept { changed_from_ = trace_.events.size(); }
    /// Bumped by every change (views cache against it).
    std::uint64_t generation() const noexcept { return generation_; }

    /// String id of a task's name (0: none).
    std::uint32_t task_name(std::uint32_t task) const;
    /// A task's name, or "task N" when it has none ("(thread)" for 0).
    std::string task_label(std::uint32_t task) const;
    /// task_label() that also tells the id: "name #N", or "task N".
    std::string task_title(std::uint32_t task) const;
    /// A thread's name; a worker's is one name with its index ("worker 2").
    std::string thread_label(std::uint16_t thread) const;
    /// Index in polls() of the first poll of `task` starting at or after ts, or -1.
    int poll_after(std::uint32_t task, std::int64_t ts) const;
    /// The wake that made poll `index` runnable (the first wake linked to
    /// it), or nullptr (first poll, a yield, or nothing recorded).
    const WakeRec* cause_of(std::uint32_t poll_index) const;
    /// When poll `index` became runnable: spawn for the first poll; else the
    /// wake that caused it, or the previous poll's end if later (woken while
    /// it ran) or if no wake came (a yield).
    std::int64_t ready_at(std::uint32_t poll_index) const;
    /// The waiting and scheduled stretches before poll `index` (at most one
    /// of each, in time order), appended to `out`.
    void waits_before(std::uint32_t poll_index, std::vector<Wait>& out) const;
    /// The poll of the same task before poll `index`, or kNoIndex.
    std::uint32_t previous_poll(std::uint32_t poll_index) const;
    /// The resource id Pending poll `index` waits on (0: unknown; 0 for other polls).
    std::uint32_t waits_on(std::uint32_t poll_index) const;
    /// The resource described with this id, or nullptr.
    const ResourceInfo* resource(std::uint32_t id) const;
    /// Whether any resource was described or any channel used: without
    /// either, nothing in the run has a resource lane (checked before a scan).
    bool has_resources() const noexcept {
        return !resources_.empty() || !resource_lanes_.channels().empty();
    }
    /// What Pending poll `index` waits on, as a person reads it ("sleep until
    /// 100 ms", "mpsc recv 'events' (0/16)", "join handle of task 3",
    /// "unknown"); "" for a poll that is not Pending (or still open).
    std::string waits_on_text(std::uint32_t poll_index) const;
    /// Each channel's sends, recvs and fill level over time.
    const ResourceLanes& resource_lanes() const noexcept { return resource_lanes_; }

private:
    void index(const Event& e);
    Lane& task_lane_for(std::uint32_t task, std::int64_t ts);
    Lane& thread_lane_for(std::uint16_t thread);
    void insert_poll(std::vector<std::uint32_t>& v, std::uint32_t idx);
    std::pair<std::int64_t, std::uint16_t> thread_order(std::uint16_t thread) const;
    void sort_thread_lanes();
    void on_poll_start(const Event& e);
    void on_poll_end(const Event& e);
    void on_wake(const Event& e);
    /// Links wake `w` (in wakes_, and its copy in `lane`), now linked to
    /// `from`, to poll `p`.
    void link(Lane& lane, const WakeRec& w, std::uint32_t p, std::uint32_t from = kNoIndex);
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

    Trace trace_;
    std::vector<PollBar> polls_;
    std::vector<WakeRec> wakes_;
    std::vector<Marker> markers_;
    std::vector<Marker> rare_markers_;
    std::vector<std::uint32_t> poll_waits_; // per poll: waits_on()
    std::unordered_map<std::uint32_t, ResourceInfo> resources_;
    ResourceLanes resource_lanes_;
    std::vector<Lane> task_lanes_;
    std::vector<Lane> thread_lanes_;
    // Task id -> lane: a flat vector for the usual small ids, a map beyond.
    static constexpr std::uint32_t kFlatTasks = 1u << 24;
    std::vector<int> task_lane_flat_;
    std::unordered_map<std::uint32_t, int> task_lane_of_;
    // Per recording thread, the polls open on it (innermost last).
    std::vector<std::vector<std::uint32_t>> open_polls_;
    std::vector<std::uint32_t> lod_dirty_; // lanes (see lod_add) to settle
    std::int64_t start_ = 0, end_ = 0;
    std::uint64_t generation_ = 0;
    mutable std::size_t changed_from_ = 0;
};

} // namespace pollscope::trace
