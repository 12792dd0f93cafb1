#pragma once
// The trace data model: one fixed-size Event per executor transition, plus the
// interned tables (strings, source locations, threads) events refer to by id.
// Standard C++ only: the recorder, the statistics and the benchmark share it.

#include "hooks.h"
#include "resource.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pollscope::trace {

/// What happened. The numbers are part of the file format: append only.
enum class EventKind : std::uint8_t {
    Spawn = 0,        // task spawned; arg = parent task, arg2 = spawn location id
    TaskName = 1,     // follows Spawn when the task has a name; arg = string id
    PollStart = 2,    // a thread starts polling task
    PollEnd = 3,      // flag = PollResult (0 Pending, 1 Ready, 2 Failed); arg = await-site location
                      // id; arg2 = what a Pending poll waits on: a Resource event's id (0: unknown)
    Wake = 4,         // task woken; arg = waking task (0: a plain thread); flag = WakeSource
                      // (0: that task or thread, 1: the timer driver run by that thread)
    Cancel = 5,       // task cancelled (destroyed unfinished)
    Fail = 6,         // task threw; arg = string id of the message
    Yield = 7,        // task yielded (woke itself and returned Pending once)
    ChannelSend = 8,  // flag = ChannelKind; arg = low, arg2 = high 32 bits of the channel's address
    ChannelRecv = 9,  // as ChannelSend
    Shutdown = 10,    // task (0: a plain thread) sent the shutdown signal
    Mark = 11,        // user mark; arg = string id of the text
    WorkerStart = 12, // thread became worker arg of an executor; arg2 = thread-name string id
    // A resource a task waits on, described once, before the first PollEnd that
    // names it (task 0): arg = resource id (never 0), flag = pollscope::ResourceKind,
    // arg2 = by kind: Sleep: the time left at that poll's end in us (saturated
    // at 2^32-1); JoinHandle: the joined task; channels and Mutex: string id of
    // the name (0: none); others 0.
    Resource = 13,
    // The scheduler put task into a queue (hooks.h QueueKind): flag = the
    // queue; arg = the worker whose queue it is (0xffffffff: none); arg2 =
    // for Overflow, the tasks moved to the injection queue (else 0).
    Enqueue = 14,
    // The recording thread's worker stole arg2 tasks from the front of
    // worker arg's run queue; task = the last of them, polled next.
    Steal = 15,
    // task (0: a plain thread) created a receiver of a broadcast (channel()'s
    // first one, or subscribe()) / dropped one: arg, arg2, flag as in ChannelSend.
    BroadcastSubscribe = 16,
    BroadcastUnsubscribe = 17,
    // task's receiver of a broadcast found arg2 values overwritten before it
    // read them (Lagged{arg2}, saturated at 2^32-1); arg = the low 32 bits of
    // the channel's address (the broadcast of the trace whose address ends so).
    BroadcastLag = 18
};
inline constexpr int kEventKindCount = 19;
/// Enqueue's "no worker" (an injection queue or task channel push).
inline constexpr std::uint32_t kNoWorker = 0xffffffffu;

/// Name of a kind as written in CSV and JSON ("poll_start"...); "?" when unknown.
std::string_view kind_name(EventKind kind) noexcept;

/// PollEnd outcomes: the core's PollResult itself (its numbers are the
/// file format's: Pending 0, Ready 1, Failed 2).
using Outcome = pollscope::PollResult;
static_assert(int(Outcome::Pending) == 0 && int(Outcome::Ready) == 1 && int(Outcome::Failed) == 2);
std::string_view outcome_name(Outcome outcome) noexcept;
/// Channel kinds, as in pollscope::ChannelKind.
std::string_view channel_kind_name(std::uint8_t kind) noexcept;
/// Queue kinds of an Enqueue, as in pollscope::QueueKind ("lifo_slot"...).
std::string_view queue_kind_name(std::uint8_t kind) noexcept;
/// Resource kinds, as in pollscope::ResourceKind ("sleep", "mpsc_recv"...).
std::string_view resource_kind_name(std::uint8_t kind) noexcept;
/// Whether a Resource event of this kind has its name's string id in arg2.
bool resource_arg2_is_name(std::uint8_t kind) noexcept;

/// 24 bytes. Task ids are the executor's ids truncated to 32 bits (4 billion
/// tasks per process before they wrap). Timestamps are nanoseconds on the
/// recorder's time source (steady clock since the recorder started, or the
/// runtime's virtual clock).
struct Event {
    std::int64_t ts = 0;
    std::uint32_t task = 0;
    std::uint32_t arg = 0;    // kind-specific, see EventKind
    std::uint32_t arg2 = 0;   // kind-specific, see EventKind
    std::uint16_t thread = 0; // index into Trace::threads
    EventKind kind = EventKind::Spawn;
    std::uint8_t flag = 0; // kind-specific: Outcome, channel kind

    Outcome outcome() const noexcept { return static_cast<Outcome>(flag); }
    friend bool operator==(const Event&, const Event&) = default;
};
static_assert(sizeof(Event) == 24, "Event must stay 24 bytes");

/// An interned source location; id 0 in Trace::locations is "unknown".
struct SourceLoc {
    std::uint32_t file = 0;     // string id
    std::uint32_t function = 0; // string id
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    friend bool operator==(const SourceLoc&, const SourceLoc&) = default;
};

/// A thread that recorded at least one event (or started as a worker).
struct ThreadInfo {
    std::uint64_t os_id = 0;  // gettid() on Linux
    std::int32_t worker = -1; // worker index from on_worker_start, -1 for other threads
    std::uint32_t name = 0;   // string id
    friend bool operator==(const ThreadInfo&, const ThreadInfo&) = default;
};

/// Everything a trace holds: what the exporters write and the importer reads.
/// strings[0] is "" and locations[0] is the unknown location, so id 0 = none.
struct Trace {
    std::vector<Event> events; // ordered by ts; equal ts keep per-thread order
    std::vector<std::string> strings{std::string()};
    std::vector<SourceLoc> locations{SourceLoc{}};
    std::vector<ThreadInfo> threads;
    std::uint64_t dropped = 0; // events the ring discarded before this snapshot
    bool virtual_time = false;

    std::string_view string(std::uint32_t id) const noexcept {
        return id < strings.size() ? std::string_view(strings[id]) : std::string_view();
    }
    /// "file:line", or "" for the unknown location.
    std::string location_text(std::uint32_t id) const;
    /// location_text() without the file's directory ("main.cpp:12"): what
    /// tables, the log and tooltips show.
    std::string short_location_text(std::uint32_t id) const;
    friend bool operator==(const Trace&, const Trace&) = default;
};

/// What is wrong with an event's references, and in which of its fields
/// (as a file lists them: 0 ts, 1 task, 2 kind, 3 arg, 4 arg2, 5 thread, 6 flag).
struct EventProblem {
    int field = 0;
    std::string message;
};
/// Checks that `e`'s ids point into tables of these sizes, that every event
/// the model keeps per task names one, and that its flag is in range: what
/// the importer and the live stream refuse. Whether a PollEnd's resource is
/// described somewhere is the caller's to check.
std::optional<EventProblem> check_event_references(const Event& e, std::size_t strings,
                                                   std::size_t locations, std::size_t threads);

/// An Enqueue's or Steal's details as exports write them: "lifo_slot@worker 1",
/// "overflow@worker 0 x129", "from worker 0 x3".
std::string queue_event_text(const Event& e);

/// Sorts events by timestamp, keeping the relative order of equal timestamps.
void sort_events(std::vector<Event>& events);

} // namespace pollscope::trace
