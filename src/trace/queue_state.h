#pragma once
// QueueState: what the scheduler's queues held after the first `c` events of
// a trace: each worker's LIFO slot and local run queue (front first), the
// injection queue, the hand-built executor's task channel, the task each
// thread is polling, the LocalSet's ready tasks (the queues of every
// LocalSet of the run, as one: an Enqueue names no set), and the timer
// deadlines tasks wait on (their Sleep's deadline, until the task is polled
// again). Replayed from the recorder's Enqueue and Steal events (event.h),
// PollStart (a task leaves whatever queue it is in), Cancel and the Sleep
// resources.
//
// Built incrementally: a forward move of the cursor replays only the events
// it crosses; a backward move restarts from the nearest checkpoint (one
// every few thousand events, thinned as the trace grows, so their count stays
// bounded). Works on a growing trace (a live run): a cursor beyond the end is
// clamped, and an event inserted before the replayed position (a late event
// of another thread) is noticed and replayed from an earlier checkpoint.
//
// The recorded order of events on different threads is their time stamps':
// a steal and the victim's push a few nanoseconds apart may come out in the
// other order. The replay never fails on that: a task that leaves a queue it
// is not in is looked for everywhere, and PollStart takes its task out of
// wherever it is.

#include "event.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

namespace pollscope::trace {

/// Where a task is, as the queues panel tells it.
enum class QueuePlace : std::uint8_t {
    Nowhere,     // not queued (idle, running elsewhere, or unknown)
    LifoSlot,    // a worker's LIFO slot
    RunQueue,    // a worker's local run queue
    Injection,   // the injection queue
    TaskChannel, // the hand-built executor's task channel
    Stolen,      // just taken by a steal, polled next by the stealer
    Polling,     // being polled by a thread
    LocalSet,    // a LocalSet's queue of ready tasks
};

/// What the event just before the cursor did to the queues.
struct QueueMove {
    EventKind kind = EventKind::Spawn; // meaningful when task != 0
    std::uint32_t task = 0;            // 0: the event moved nothing
    QueuePlace from = QueuePlace::Nowhere;
    int from_worker = -1;
    QueuePlace to = QueuePlace::Nowhere;
    int to_worker = -1;
    std::uint32_t count = 0;     // Steal: tasks taken; Overflow: tasks moved
    std::uint32_t displaced = 0; // LifoSlot: the task it pushed to the run queue's back
    std::uint16_t thread = 0;    // the recording thread
    friend bool operator==(const QueueMove&, const QueueMove&) = default;
};

struct WorkerQueues {
    int worker = 0;
    int thread = -1;                      // its thread's index, -1: never seen
    std::uint32_t lifo = 0;               // 0: empty
    std::vector<std::uint32_t> run_queue; // front (popped next) first
    std::uint32_t polling = 0;            // 0: not polling
    friend bool operator==(const WorkerQueues&, const WorkerQueues&) = default;
};

struct TimerDeadline {
    std::int64_t deadline = 0; // trace time (ns)
    std::uint32_t task = 0;
    friend bool operator==(const TimerDeadline&, const TimerDeadline&) = default;
};

/// The queues at one cursor.
struct QueueSnapshot {
    std::size_t cursor = 0;
    std::vector<WorkerQueues> workers; // by worker index, every worker seen so far
    std::vector<std::uint32_t> injection;
    std::vector<std::uint32_t> task_channel;
    std::vector<std::uint32_t> local_set; // every LocalSet's ready tasks, in enqueue order
    std::uint64_t local_set_events = 0;   // LocalSet enqueues before the cursor
    /// Non-worker threads polling a task now (the hand-built executor's thread).
    std::vector<std::pair<std::uint16_t, std::uint32_t>> other_polling;
    std::vector<TimerDeadline> timers; // earliest first
    QueueMove last;                    // the event at cursor - 1
    std::uint64_t steals = 0;          // steals before the cursor
    std::uint64_t queue_events = 0;    // Enqueue and Steal events before the cursor
    /// Workers with at least one task in their LIFO slot or run queue.
    std::size_t workers_with_tasks() const;
    friend bool operator==(const QueueSnapshot&, const QueueSnapshot&) = default;
};

class QueueState {
public:
    QueueState();
    ~QueueState();
    QueueState(QueueState&&) noexcept;
    QueueState& operator=(QueueState&&) noexcept;

    /// The queues after the first min(c, events) events of `trace` (the
    /// same trace, or a longer version of it, on every call; after another
    /// trace call reset()).
    QueueSnapshot at(const Trace& trace, std::size_t c);
    /// Forgets everything (another trace).
    void reset();

private:
    struct State;
    void replay_to(const Trace& trace, std::size_t c);
    void rewind_to(const Trace& trace, std::size_t c);

    std::unique_ptr<State> state_;
    struct Checkpoint {
        std::size_t pos = 0;
        Event last{}; // the event at pos - 1 when taken (to notice inserts)
        std::shared_ptr<const State> state;
    };
    std::vector<Checkpoint> checkpoints_;
    std::size_t spacing_ = 4096;
};

} // namespace pollscope::trace
