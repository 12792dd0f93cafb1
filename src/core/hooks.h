#pragma once
// Hooks: the one place tracing plugs into the executors. Every executor calls
// these at each task transition; with no hooks installed each call site is a
// single null-pointer branch.

#include <cstdint>
#include <exception>
#include <source_location>
#include <string_view>

namespace pollscope {

/// Task ids are unique in the process; 0 means "no task" (a plain thread).
using TaskId = std::uint64_t;

enum class PollResult : std::uint8_t { Pending, Ready, Failed };

struct SpawnInfo {
    TaskId id = 0;
    TaskId parent = 0;     // the task that spawned it, 0 from a plain thread
    std::string_view name; // valid during on_spawn only
    std::source_location location;
};

enum class ChannelKind : std::uint8_t { Mpsc, Broadcast, Oneshot, TaskQueue };

class Resource; // resource.h

/// Who a wake comes from besides the task or thread that calls it (the file
/// format's numbers: append only).
enum class WakeSource : std::uint8_t {
    Direct = 0, // the waking task (or a plain thread)
    Timer = 1,  // the runtime's timer driver, run by whichever thread drives it
};

/// Where a scheduler puts a task it schedules (the file format's numbers:
/// append only).
enum class QueueKind : std::uint8_t {
    LifoSlot = 0,    // the worker's LIFO slot; the task there before goes to its run queue's
                     // back (told on its own only when it went elsewhere: an overflow)
    RunQueue = 1,    // the back of the worker's local run queue
    Injection = 2,   // the runtime's shared injection queue
    TaskChannel = 3, // the hand-built executor's task channel
    Overflow = 4,    // the worker's run queue was full: its `count - 1` oldest tasks and this
                     // one move to the injection queue
    LocalSet = 5,    // the back of a LocalSet's queue of ready tasks
};
inline constexpr int kQueueKindCount = 6;

class Hooks {
public:
    virtual ~Hooks() = default;
    virtual void on_spawn(const SpawnInfo&) {}
    virtual void on_poll_start(TaskId) {}
    /// await_site: where the task stopped (valid for Pending; may be empty otherwise).
    /// waits_on: what a Pending poll waits on (resource.h), nullptr if unknown;
    /// valid during the call only.
    virtual void on_poll_end(TaskId, PollResult, std::source_location /*await_site*/,
                             const Resource* /*waits_on*/) {}
    /// woken_by: the task whose poll called wake, or 0 for a thread outside any
    /// task; current_wake_source() tells whether a timer driver fired it.
    virtual void on_wake(TaskId /*woken*/, TaskId /*woken_by*/) {}
    virtual void on_cancel(TaskId) {}
    virtual void on_fail(TaskId, std::exception_ptr) {}
    virtual void on_yield(TaskId) {}
    virtual void on_channel_send(ChannelKind, const void* /*channel*/) {}
    virtual void on_channel_recv(ChannelKind, const void* /*channel*/) {}
    virtual void on_shutdown_signal(TaskId /*sender*/) {}
    virtual void on_mark(TaskId, std::string_view /*text*/) {}
    /// The scheduler put the task into a queue: `worker` is the worker whose
    /// queue it is (-1: none), `count` the tasks an Overflow moved (else 0).
    virtual void on_enqueue(TaskId, QueueKind, int /*worker*/, std::uint32_t /*count*/) {}
    /// The calling worker stole `count` tasks from the front of worker
    /// `victim`'s run queue: the last of them, `run_now`, it polls next; the
    /// others go to the back of its own run queue.
    virtual void on_steal(TaskId /*run_now*/, int /*victim*/, std::uint32_t /*count*/) {}
    /// A worker thread of an executor started; index within its executor.
    virtual void on_worker_start(int /*index*/, const char* /*thread_name*/) {}
    /// A receiver of broadcast `channel` was created (channel()'s first one or
    /// subscribe()) / dropped, by the current task (0: a plain thread).
    virtual void on_broadcast_subscribe(const void* /*channel*/) {}
    virtual void on_broadcast_unsubscribe(const void* /*channel*/) {}
    /// The current task's receiver of `channel` found `missed` values
    /// overwritten before it read them (its recv gave Lagged{missed}).
    virtual void on_broadcast_lag(const void* /*channel*/, std::uint64_t /*missed*/) {}
};

namespace detail {
/// What the thread is polling right now; set by executors around each poll.
struct CurrentPoll {
    Hooks* hooks = nullptr;
    TaskId task = 0;
    bool await_site_set = false;
    bool forced_yield_noted = false; // coop.h: one yield record per poll
    int budget = -1;                 // coop.h: operations left in this poll; -1: unconstrained
    std::source_location await_site;
    const Resource* waits_on = nullptr; // resource.h: noted by the leaf that returned Pending
    WakeSource wake_source = WakeSource::Direct; // set while a timer driver fires
};
/// This thread's CurrentPoll. Out of line on purpose, and never cached: code
/// inlined into a coroutine that resumes on another worker must reach the
/// thread it runs on now; GCC 12 kept a thread_local's address across the
/// resumption (UBSan saw it null at -O2 in an mpsc recv awaiter).
CurrentPoll& this_poll() noexcept;

/// A worker notes that the poll it starts follows its previous poll's end
/// without a wait in between (no park); whatever makes it wait before the
/// poll (a step gate) clears the note. A recorder may then stamp that
/// PollStart with its previous record's time instead of reading the clock:
/// one clock read per poll for a worker that polls back to back.
void set_poll_follows_poll(bool follows) noexcept;
/// The note, cleared by reading it (a nested poll reads the clock).
bool take_poll_follows_poll() noexcept;
/// The calling thread's note itself: a worker keeps its address and sets it
/// after every poll with a plain store instead of a call.
bool& poll_follows_poll_note() noexcept;

/// The innermost co_await that returned Pending names the await site.
inline void note_await_site(const std::source_location& loc) noexcept {
    auto& cp = this_poll();
    if (!cp.await_site_set) {
        cp.await_site_set = true;
        cp.await_site = loc;
    }
}

/// Operations a task may complete in one poll (coop.h).
inline constexpr int kCoopBudget = 128;

/// Sets the thread's current poll for the scope of one poll.
class PollScope {
public:
    // One this_poll() call for the whole scope: a poll starts and ends on the
    // thread that runs it (the scope is never inside a coroutine body).
    PollScope(Hooks* hooks, TaskId id) noexcept
        : cp_(this_poll())
        , saved_(cp_) {
        cp_.hooks = hooks;
        cp_.task = id;
        cp_.await_site_set = false;
        cp_.forced_yield_noted = false;
        cp_.budget = kCoopBudget;
        cp_.waits_on = nullptr;
    }
    ~PollScope() { cp_ = saved_; }
    PollScope(const PollScope&) = delete;
    PollScope& operator=(const PollScope&) = delete;
    std::source_location await_site() const noexcept {
        return cp_.await_site_set ? cp_.await_site : std::source_location{};
    }
    const Resource* waits_on() const noexcept { return cp_.waits_on; }

private:
    CurrentPoll& cp_;
    CurrentPoll saved_;
};
} // namespace detail

/// Hooks of the executor polling the current thread's task, or nullptr.
inline Hooks* current_hooks() noexcept {
    return detail::this_poll().hooks;
}
/// Id of the task being polled on this thread, or 0.
inline TaskId current_task_id() noexcept {
    return detail::this_poll().task;
}
/// Who the wakes made on this thread now come from (a timer driver or not).
inline WakeSource current_wake_source() noexcept {
    return detail::this_poll().wake_source;
}

/// Names the calling thread in traces ("GUI", "timer-future"): a recorder
/// uses it instead of the OS thread name for events this thread records from
/// now on. `name` must outlive the thread (a string literal).
void set_trace_thread_name(const char* name) noexcept;
/// The name set above, or nullptr.
const char* trace_thread_name() noexcept;

/// A user mark on the timeline ("event 3 received"); free when not recording.
void mark(std::string_view text);
/// Records that the current task sent a shutdown signal.
void note_shutdown_signal();
void note_channel_send(ChannelKind kind, const void* channel);
void note_channel_recv(ChannelKind kind, const void* channel);

/// A fresh process-wide task id.
TaskId next_task_id() noexcept;

/// A broadcast receiver created, dropped, or found lagged (Hooks above).
void note_broadcast_subscribe(const void* channel);
void note_broadcast_unsubscribe(const void* channel);
void note_broadcast_lag(const void* channel, std::uint64_t missed);

} // namespace pollscope
