#pragma once
// TraceRecorder: the Hooks implementation that records every transition.
//
// Hot path (poll start/end, wake, yield, channel ops): the calling thread
// appends a 24-byte Event to its own chunk (a thread_local pointer per
// recorder), then publishes the chunk's fill count with one release store. No
// lock, no read-modify-write atomic, no allocation: a thread takes the mutex
// only when its chunk is full (every ~2700 events) or on its first event.
// Interning (task names, source locations, marks, failure messages) locks;
// await sites are cached per thread by (file_name pointer, line), so a poll
// that ends Pending at a known site does not lock either.
//
// Reading: any thread may drain() concurrently with the writers. A ReadCursor
// remembers how far it has read, so each drain returns only new events, each
// exactly once, in per-thread order (not globally sorted: sort_events()).
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
#include <unordered_map>
#include <utility>
#include <vector>

namespace pollscope {
class Clock;
}

namespace pollscope::trace {

/// Nanoseconds, monotonic. An empty TimeSource means steady_clock since start.
using TimeSource = std::function<std::int64_t()>;

struct RecorderOptions {
    std::size_t ring_capacity = 0; // 0: keep everything
    TimeSource time;               // empty: steady clock (fastest)
    bool virtual_time = false;     // only copied into snapshots/exports
};

/// Where a reader is; one per reader, start default-constructed. Chunks below
/// next_chunk were seen; those listed in partial were not yet full then.
struct ReadCursor {
    std::uint64_t next_chunk = 0;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> partial; // (chunk, events read)
    std::size_t strings = 0;                                      // table entries already delivered
    std::size_t locations = 0;
    std::size_t threads = 0;
};

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

    /// A time source reading the runtime's clock (real or virtual).
    static TimeSource clock_time(std::shared_ptr<Clock> clock);

    // Hooks
    void on_spawn(const SpawnInfo& info) override;
    void on_poll_start(TaskId id) override;
    void on_poll_end(TaskId id, PollResult result, std::source_location await_site) override;
    void on_wake(TaskId woken, TaskId woken_by) override;
    void on_cancel(TaskId id) override;
    void on_fail(TaskId id, std::exception_ptr error) override;
    void on_yield(TaskId id) override;
    void on_channel_send(ChannelKind kind, const void* channel) override;
    void on_channel_recv(ChannelKind kind, const void* channel) override;
    void on_shutdown_signal(TaskId sender) override;
    void on_mark(TaskId task, std::string_view text) override;
    void on_worker_start(int index, const char* thread_name) override;

    /// Appends every event new since `cursor` to `out` (and the new table
    /// entries to `tables`, if given: strings, locations, threads only — its
    /// events are left alone). Safe while writers run.
    DrainResult drain(ReadCursor& cursor, std::vector<Event>& out, Trace* tables = nullptr);

    /// Everything retained now, events sorted by time.
    Trace snapshot();

    /// Events discarded by the ring so far.
    std::uint64_t dropped() const;
    /// Events recorded so far (retained or not) in chunks already linked.
    std::uint64_t recorded() const;

    /// Interning (locks). Public so tests and examples can build events by hand.
    std::uint32_t intern_string(std::string_view s);
    std::uint32_t intern_location(const std::source_location& loc);

    struct Chunk;
    struct ThreadSlot;

private:
    ThreadSlot& thread_slot();
    ThreadSlot& thread_slot_slow();
    void new_chunk_locked(ThreadSlot& t);
    void push(ThreadSlot& t, EventKind kind, std::uint32_t task, std::uint32_t arg = 0,
              std::uint32_t arg2 = 0, std::uint8_t flag = 0);
    std::uint32_t cached_location(ThreadSlot& t, const std::source_location& loc);
    std::uint32_t intern_string_locked(std::string_view s);
    std::int64_t now() const;

    const std::uint64_t uid_; // distinguishes recorders in the thread_local cache
    RecorderOptions options_;
    std::int64_t origin_ns_ = 0;

    mutable std::mutex mutex_;               // chunks, threads, tables
    std::map<std::uint64_t, Chunk*> chunks_; // retained, by sequence number
    std::uint64_t next_seq_ = 0;
    std::size_t ring_chunks_ = 0; // 0: unbounded
    std::vector<Chunk*> free_chunks_;
    std::uint64_t dropped_ = 0;
    std::vector<std::unique_ptr<ThreadSlot>> threads_;
    Trace tables_; // strings, locations, threads (events unused)
    std::unordered_map<std::string, std::uint32_t> string_ids_;
    std::unordered_map<std::string, std::uint32_t> location_ids_; // "file:line:col:fn" ids
};

} // namespace pollscope::trace
