#pragma once
// TraceRecorder: the Hooks implementation that records every transition.
//
// Hot path (poll start/end, wake, yield, channel ops): the calling thread
// reads its time stamp (the CPU's time-stamp counter where there is one, else
// steady_clock; never a std::function unless a custom TimeSource was given;
// a task's yield or self-wake inside its poll reuses the poll's stamp),
// appends a 16-byte record to its own chunk (a thread_local pointer per
// recorder), then publishes the chunk's fill count with one release store. No
// lock, no read-modify-write atomic, no allocation: a thread takes the mutex
// only when its chunk is full (every ~4000 events) or on its first event.
// Records hold the time as a 32-bit delta from the thread's previous record; a
// thread silent for longer than 2^32 ticks writes one extra full-time record.
// Interning (task names, source locations, marks, failure messages) locks;
// await sites are cached per thread by (file_name pointer, line), so a poll
// that ends Pending at a known site does not lock either.
//
// Time and order: events are always ordered by their real time stamp (ticks),
// so a wake sorts before the poll it caused even when both carry the same
// virtual time. On a virtual clock each thread also reads the clock (one
// acquire load) and, only when the value changed since its previous event,
// writes a small "virtual time" record first. Readers then give every event
// its thread's virtual time (made non-decreasing along the real-time order):
// consumers only ever see Event::ts, in nanoseconds of the trace's time base.
// Ticks are converted to nanoseconds by the readers, piecewise linearly between
// (ticks, steady_clock) anchors taken at recorder start and at each drain.
//
// Reading: any thread may drain() concurrently with the writers. A ReadCursor
// remembers how far it has read, so each drain returns only new events, each
// exactly once, sorted by time (per-thread order kept for equal times).
//
// Bounded mode (ring_capacity > 0): full chunks beyond the capacity are
// recycled oldest first; every discarded event is counted in dropped(), and a
// cursor that had not read them yet reports them as missed. The ring keeps at
// least ring_capacity events (whole chunks, so up to one chunk per thread more).

#include "event.h"
#include "hooks.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pollscope {
class Clock;
}

namespace pollscope::trace {

class BlockArena;

/// Where event times come from. Empty: steady time since the recorder started
/// (read as CPU ticks; fastest). TraceRecorder::clock_time(clock): the
/// runtime's clock (real: ticks in the clock's time base; virtual: the virtual
/// time, ordered by ticks). Any other callable: called for every event, its
/// nanoseconds used as they are (must not go back on one thread; for tests).
class TimeSource {
public:
    TimeSource() = default;
    template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, TimeSource> &&
             std::is_invocable_r_v<std::int64_t, F&>)
        TimeSource(F&& f) // NOLINT: implicit, as the std::function it replaces
        : fn_(std::forward<F>(f)) {}
    static TimeSource of_clock(std::shared_ptr<Clock> clock);

    explicit operator bool() const noexcept { return fn_ || clock_; }
    std::int64_t operator()() const;
    const std::shared_ptr<Clock>& clock() const noexcept { return clock_; }
    const std::function<std::int64_t()>& function() const noexcept { return fn_; }

private:
    std::function<std::int64_t()> fn_;
    std::shared_ptr<Clock> clock_;
};

struct RecorderOptions {
    std::size_t ring_capacity = 0; // 0: keep everything
    TimeSource time;               // empty: steady clock (fastest)
    /// Copied into snapshots and exports; set by itself when `time` reads a
    /// virtual clock.
    bool virtual_time = false;
};

/// Where a reader is; one per reader, start default-constructed. Chunks below
/// next_chunk were seen; those listed in partial were still being written then.
struct ReadCursor {
    struct Partial {
        std::uint64_t chunk = 0;
        std::uint32_t records = 0; // records read
        std::uint32_t events = 0;  // events among them
        std::int64_t key = 0;      // the thread's time stamp and virtual time there
        std::int64_t vt = 0;
    };
    std::uint64_t next_chunk = 0;
    std::vector<Partial> partial;
    std::size_t strings = 0; // table entries already delivered
    std::size_t locations = 0;
    std::size_t threads = 0;
};

/// What a drain hands a reader: the events and the table entries new since
/// its cursor (strings[i] has id strings_from + i, and so on), the ring's
/// losses, and the recorder's time at the drain.
struct TraceDelta {
    std::vector<Event> events; // sorted by time
    std::vector<std::string> strings;
    std::vector<SourceLoc> locations;
    std::vector<ThreadInfo> threads; // every thread (entries change on worker start)
    std::size_t strings_from = 0;
    std::size_t locations_from = 0;
    std::uint64_t dropped = 0; // discarded by the ring so far
    std::uint64_t missed = 0;  // discarded before this reader got them, this drain
    bool virtual_time = false;
    std::int64_t now = 0; // TraceRecorder::now() when drained
};

/// Adds the delta's table entries (not its events) to `tables`: strings and
/// locations past what it has, the threads whole, virtual_time and dropped.
/// Returns true when the threads changed. Moves the entries out of `delta`.
bool apply_tables(Trace& tables, TraceDelta& delta);

struct DrainResult {
    std::size_t events = 0;   // appended to the output
    std::uint64_t missed = 0; // discarded by the ring before this reader got them
};

class TraceRecorder : public Hooks {
public:
    explicit TraceRecorder(RecorderOptions options = {});
    ~TraceRecorder() override;
    TraceRecorder(const TraceRecorder&) = delete;
    TraceRecorder& operator=(const TraceRecorder&) = delete;

    /// Bytes one event takes in the recorder's chunks (Event itself is 24).
    static constexpr std::size_t kRecordBytes = 16;

    /// A time source reading the runtime's clock (real or virtual).
    static TimeSource clock_time(std::shared_ptr<Clock> clock);

    // Hooks
    void on_spawn(const SpawnInfo& info) override;
    void on_poll_start(TaskId id) override;
    void on_poll_end(TaskId id, PollResult result, std::source_location await_site,
                     const Resource* waits_on) override;
    void on_wake(TaskId woken, TaskId woken_by) override;
    void on_cancel(TaskId id) override;
    void on_fail(TaskId id, std::exception_ptr error) override;
    void on_yield(TaskId id) override;
    void on_channel_send(ChannelKind kind, const void* channel) override;
    void on_channel_recv(ChannelKind kind, const void* channel) override;
    void on_shutdown_signal(TaskId sender) override;
    void on_mark(TaskId task, std::string_view text) override;
    void on_enqueue(TaskId id, QueueKind queue, int worker, std::uint32_t count) override;
    void on_steal(TaskId run_now, int victim, std::uint32_t count) override;
    void on_worker_start(int index, const char* thread_name) override;
    void on_broadcast_subscribe(const void* channel) override;
    void on_broadcast_unsubscribe(const void* channel) override;
    void on_broadcast_lag(const void* channel, std::uint64_t missed) override;

    /// Appends every event new since `cursor` to `out` (and the new table
    /// entries to `tables`, if given: strings, locations, threads only — its
    /// events are left alone). Safe while writers run.
    DrainResult drain(ReadCursor& cursor, std::vector<Event>& out, Trace* tables = nullptr);

    /// The events and table entries new since `cursor` (replacing `delta`'s
    /// contents). Safe while writers run.
    DrainResult drain(ReadCursor& cursor, TraceDelta& delta);

    /// The time now in the trace's time base (the virtual time on a virtual
    /// clock): where a live view's "now" is.
    std::int64_t now() const;

    /// Everything retained now, events sorted by time.
    Trace snapshot();

    /// Events discarded by the ring so far.
    std::uint64_t dropped() const;
    /// Events recorded so far (retained or not) in chunks already linked.
    std::uint64_t recorded() const;
    /// Bytes of records written so far (retained or not) in chunks already
    /// linked: what the recorded() events took in memory.
    std::uint64_t recorded_bytes() const;

    /// Interning (locks). Public so tests and examples can build events by hand.
    std::uint32_t intern_string(std::string_view s);
    std::uint32_t intern_location(const std::source_location& loc);

    struct Chunk;
    struct ThreadSlot;
    struct Span;

private:
    enum class TimeMode : std::uint8_t { Ticks, Virtual, Custom };
    /// (ticks, steady ns) pairs: the ticks-to-ns mapping readers use.
    struct Anchor {
        std::int64_t ticks = 0;
        std::int64_t ns = 0;
    };

    ThreadSlot& thread_slot();
    ThreadSlot& thread_slot_slow();
    void new_chunk_locked(ThreadSlot& t);
    void next_chunk(ThreadSlot& t);
    /// in_poll_stamp: inside a poll, reuse the thread's last stamp (no clock read);
    /// events: how many events the record decodes into (a Yield with its wake: 2).
    void push(ThreadSlot& t, EventKind kind, std::uint32_t task, std::uint32_t arg = 0,
              std::uint32_t arg2 = 0, std::uint8_t flag = 0, bool in_poll_stamp = false,
              bool follows_poll = false, std::uint32_t events = 1);
    /// Writes the Yield that on_yield held back (no self-wake merged into it).
    void write_held_yield(ThreadSlot& t);
    std::uint32_t cached_location(ThreadSlot& t, const std::source_location& loc);
    std::uint32_t cached_location_by_key(ThreadSlot& t, const std::source_location& loc);
    /// The resource's id; records its Resource event the first time (per recorder).
    std::uint32_t resource_id(ThreadSlot& t, const Resource& r);
    std::uint32_t intern_string_locked(std::string_view s);
    std::uint32_t events_in(const Chunk& c) const;
    void add_anchor_locked();
    double tail_rate_locked() const;
    /// Decodes spans (records copied to records_buf), merges them by time stamp
    /// and appends the events to out with their final times; moves the partial
    /// entries' positions past what was decoded.
    void deliver(std::vector<Span>& spans, const void* records_buf, std::vector<Event>& out,
                 std::vector<ReadCursor::Partial>* partial,
                 std::vector<std::pair<std::int64_t, std::int64_t>> anchors, double tail_rate);

    const std::uint64_t uid_; // distinguishes recorders in the thread_local cache
    RecorderOptions options_;
    TimeMode mode_ = TimeMode::Ticks;
    const Clock* vclock_ = nullptr; // virtual mode
    std::int64_t ns_base_ = 0;      // Ticks mode: event ts = steady ns - ns_base_

    mutable std::mutex mutex_;               // chunks, threads, tables, anchors
    std::map<std::uint64_t, Chunk*> chunks_; // retained, by sequence number
    std::uint64_t next_seq_ = 0;
    std::size_t ring_chunks_ = 0; // 0: unbounded
    std::vector<Chunk*> free_chunks_;
    std::unique_ptr<BlockArena> chunk_memory_; // every chunk's memory (huge-page slabs)
    std::uint64_t dropped_ = 0;
    std::uint64_t dropped_records_ = 0;                     // records of the dropped events
    std::map<std::uint64_t, std::uint32_t> dropped_chunks_; // seq -> events it held
    std::vector<std::unique_ptr<ThreadSlot>> threads_;
    std::vector<Anchor> anchors_;
    Trace tables_; // strings, locations, threads (events unused)
    std::unordered_map<std::string, std::uint32_t> string_ids_;
    std::unordered_map<std::string, std::uint32_t> location_ids_; // "file:line:col:fn" ids
};

} // namespace pollscope::trace
