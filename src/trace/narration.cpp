#include "narration.h"

#include "resource_text.h"

#include <algorithm>

namespace pollscope::trace {

namespace {

/// The task channel of the hand-built executor (ChannelKind::TaskQueue).
constexpr std::uint8_t kTaskQueue = 3;
/// How far a wake's task-channel send is looked for on the wake's thread.
constexpr std::size_t kLookAhead = 8;

/// Who did something: a task, or a plain thread (the timer thread, main).
std::string actor(const TimelineModel& m, std::uint32_t task, std::uint16_t thread) {
    return task != 0 ? m.task_title(task) : m.thread_label(thread);
}

/// The poll of `e`'s task that ended with PollEnd `e`, or kNoIndex.
std::uint32_t poll_ending(const TimelineModel& m, const Event& e) {
    const int li = m.task_lane(e.task);
    if (li < 0)
        return kNoIndex;
    const auto& v = m.task_lanes()[std::size_t(li)].polls;
    const auto& polls = m.polls();
    // The last poll started by then (a task's polls do not overlap).
    auto it = std::upper_bound(v.begin(), v.end(), e.ts,
                               [&](std::int64_t t, std::uint32_t p) { return t < polls[p].start; });
    for (; it != v.begin(); --it)
        if (const auto p = *(it - 1); polls[p].end == e.ts)
            return p;
    return kNoIndex;
}

/// Whether the wake at `index` sends its task into the task channel (the
/// hand-built executor's wake: a TaskQueue send follows on its thread).
bool sends_into_channel(const Trace& t, std::size_t index) {
    const Event& w = t.events[index];
    const std::size_t end = std::min(t.events.size(), index + 1 + kLookAhead);
    for (std::size_t i = index + 1; i < end; ++i) {
        const Event& e = t.events[i];
        if (e.thread != w.thread)
            continue;
        return e.kind == EventKind::ChannelSend && e.flag == kTaskQueue;
    }
    return false;
}

std::string worker_name(std::uint32_t worker) {
    return "worker " + std::to_string(worker);
}

std::string tasks_text(std::uint32_t n) {
    return std::to_string(n) + (n == 1 ? " task" : " tasks");
}

} // namespace

std::string queue_move_text(const TimelineModel& m, const Event& e) {
    const std::string task = m.task_title(e.task);
    if (e.kind == EventKind::Steal)
        return m.thread_label(e.thread) + " steals " + tasks_text(e.arg2) + " from " +
               worker_name(e.arg) + "'s run queue and polls " + task + " next";
    if (e.kind != EventKind::Enqueue)
        return {};
    switch (QueueKind(e.flag)) {
    case QueueKind::LifoSlot:
        return task + " goes into " + worker_name(e.arg) + "'s LIFO slot: it is polled next there";
    case QueueKind::RunQueue:
        return task + " is pushed onto the back of " + worker_name(e.arg) + "'s run queue";
    case QueueKind::Injection:
        return task + " is pushed onto the injection queue";
    case QueueKind::TaskChannel:
        return task + " is sent into the task channel";
    case QueueKind::LocalSet:
        return task + " is pushed onto the back of the LocalSet's queue: it runs when the set is "
                      "next driven";
    case QueueKind::Overflow:
        return worker_name(e.arg) + "'s run queue is full: " + task + " and its " +
               tasks_text(e.arg2 > 0 ? e.arg2 - 1 : 0) +
               " queued longest move to the injection queue";
    }
    return {};
}

std::string narrate(const TimelineModel& m, std::size_t index) {
    const Trace& t = m.trace();
    if (index >= t.events.size())
        return {};
    const Event& e = t.events[index];
    const std::string task = m.task_title(e.task);
    switch (e.kind) {
    case EventKind::Spawn:
        return (e.arg ? m.task_title(e.arg) : m.thread_label(e.thread)) + " spawns " + task +
               ": it is scheduled for its first poll";
    case EventKind::TaskName:
        return task + " is named " + std::string(t.string(e.arg));
    case EventKind::PollStart:
        return m.thread_label(e.thread) + " polls " + task;
    case EventKind::PollEnd: {
        std::string s = m.thread_label(e.thread) + " polls " + task + ": ";
        switch (e.outcome()) {
        case Outcome::Pending: {
            const auto p = poll_ending(m, e);
            const std::string on = p == kNoIndex ? std::string() : m.waits_on_text(p);
            return s + "Pending" + (on.empty() ? "" : ", waiting on " + on);
        }
        case Outcome::Ready:
            return s + "Ready, the task is done";
        default:
            return s + "Failed, the task threw";
        }
    }
    case EventKind::Wake: {
        const std::string who = e.flag == std::uint8_t(WakeSource::Timer)
                                    ? "the timer driver on " + m.thread_label(e.thread)
                                    : actor(m, e.arg, e.thread);
        if (e.arg == e.task && e.flag != std::uint8_t(WakeSource::Timer))
            return task + " calls wake() on itself: it will be polled again";
        return who + " calls wake(): " + task +
               (sends_into_channel(t, index) ? " is sent back into the task channel"
                                             : " is scheduled to be polled again");
    }
    case EventKind::Cancel:
        return task + " is dropped before it finished (cancelled)";
    case EventKind::Fail:
        return task + " fails: " + std::string(t.string(e.arg));
    case EventKind::Yield:
        return task + " yields: it wakes itself and returns Pending, letting others run";
    case EventKind::ChannelSend:
        return actor(m, e.task, e.thread) +
               (e.flag == kTaskQueue
                    ? " sends a task into the task channel"
                    : " sends on a " + std::string(channel_kind_name(e.flag)) + " channel");
    case EventKind::ChannelRecv:
        return actor(m, e.task, e.thread) +
               (e.flag == kTaskQueue
                    ? " takes a task from the task channel"
                    : " receives from a " + std::string(channel_kind_name(e.flag)) + " channel");
    case EventKind::Shutdown:
        return actor(m, e.task, e.thread) + " sends the shutdown signal";
    case EventKind::Mark:
        return actor(m, e.task, e.thread) + ": " + std::string(t.string(e.arg));
    case EventKind::WorkerStart:
        return m.thread_label(e.thread) + " starts as worker " + std::to_string(e.arg);
    case EventKind::Resource:
        if (const ResourceInfo* r = m.resource(e.arg))
            return "the next Pending waits on " + resource_text(*r, t);
        return {};
    case EventKind::Enqueue:
    case EventKind::Steal:
        return queue_move_text(m, e);
    case EventKind::BroadcastSubscribe:
        return actor(m, e.task, e.thread) + " subscribes to a broadcast";
    case EventKind::BroadcastUnsubscribe:
        return actor(m, e.task, e.thread) + " drops its broadcast receiver";
    case EventKind::BroadcastLag:
        return actor(m, e.task, e.thread) + " fell behind a broadcast: " + std::to_string(e.arg2) +
               " values were overwritten before it read them";
    }
    return {};
}

} // namespace pollscope::trace
