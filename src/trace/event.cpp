#include "event.h"

#include <algorithm>
#include <iterator>
#include <string>

namespace pollscope::trace {

std::string_view kind_name(EventKind kind) noexcept {
    switch (kind) {
    case EventKind::Spawn:
        return "spawn";
    case EventKind::TaskName:
        return "task_name";
    case EventKind::PollStart:
        return "poll_start";
    case EventKind::PollEnd:
        return "poll_end";
    case EventKind::Wake:
        return "wake";
    case EventKind::Cancel:
        return "cancel";
    case EventKind::Fail:
        return "fail";
    case EventKind::Yield:
        return "yield";
    case EventKind::ChannelSend:
        return "channel_send";
    case EventKind::ChannelRecv:
        return "channel_recv";
    case EventKind::Shutdown:
        return "shutdown";
    case EventKind::Mark:
        return "mark";
    case EventKind::WorkerStart:
        return "worker_start";
    case EventKind::Resource:
        return "resource";
    case EventKind::Enqueue:
        return "enqueue";
    case EventKind::Steal:
        return "steal";
    case EventKind::BroadcastSubscribe:
        return "broadcast_subscribe";
    case EventKind::BroadcastUnsubscribe:
        return "broadcast_unsubscribe";
    case EventKind::BroadcastLag:
        return "broadcast_lag";
    }
    return "?";
}

std::string_view outcome_name(Outcome outcome) noexcept {
    switch (outcome) {
    case Outcome::Pending:
        return "pending";
    case Outcome::Ready:
        return "ready";
    case Outcome::Failed:
        return "failed";
    }
    return "?";
}

std::string_view channel_kind_name(std::uint8_t kind) noexcept {
    static constexpr std::string_view names[] = {"mpsc", "broadcast", "oneshot", "task_queue"};
    return kind < 4 ? names[kind] : std::string_view("?");
}

std::string_view queue_kind_name(std::uint8_t kind) noexcept {
    static constexpr std::string_view names[] = {"lifo_slot",    "run_queue", "injection",
                                                 "task_channel", "overflow",  "local_set"};
    static_assert(std::size(names) == kQueueKindCount);
    return kind < kQueueKindCount ? names[kind] : std::string_view("?");
}

std::string queue_event_text(const Event& e) {
    if (e.kind == EventKind::Steal)
        return "from worker " + std::to_string(e.arg) + " x" + std::to_string(e.arg2);
    std::string s(queue_kind_name(e.flag));
    if (e.arg != kNoWorker)
        s += "@worker " + std::to_string(e.arg);
    if (e.arg2 != 0)
        s += " x" + std::to_string(e.arg2);
    return s;
}

std::string_view resource_kind_name(std::uint8_t kind) noexcept {
    static constexpr std::string_view names[] = {
        "unknown",        "sleep",        "timer_future", "mpsc_recv", "mpsc_send",
        "broadcast_recv", "oneshot_recv", "join_handle",  "yield",     "mutex",
        "task_queue",     "blocking",     "local_set"};
    static_assert(std::size(names) == kResourceKindCount);
    return kind < kResourceKindCount ? names[kind] : std::string_view("?");
}

bool resource_arg2_is_name(std::uint8_t kind) noexcept {
    switch (static_cast<ResourceKind>(kind)) {
    case ResourceKind::MpscRecv:
    case ResourceKind::MpscSend:
    case ResourceKind::BroadcastRecv:
    case ResourceKind::OneshotRecv:
    case ResourceKind::Mutex:
    case ResourceKind::TaskQueue:
        return true;
    default:
        return false;
    }
}

std::string Trace::location_text(std::uint32_t id) const {
    if (id == 0 || id >= locations.size())
        return {};
    const auto& l = locations[id];
    std::string s(string(l.file));
    s += ':';
    s += std::to_string(l.line);
    return s;
}

std::string Trace::short_location_text(std::uint32_t id) const {
    std::string s = location_text(id);
    const auto slash = s.find_last_of("/\\");
    return slash == std::string::npos ? s : s.substr(slash + 1);
}

void sort_events(std::vector<Event>& events) {
    const auto by_ts = [](const Event& a, const Event& b) { return a.ts < b.ts; };
    if (std::is_sorted(events.begin(), events.end(), by_ts))
        return; // files and drains come in order: no 10M-event merge sort
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.ts < b.ts; });
}

std::optional<EventProblem> check_event_references(const Event& e, std::size_t ns, std::size_t nl,
                                                   std::size_t threads) {
    const auto problem = [](int field, std::string message) {
        return std::optional<EventProblem>(EventProblem{field, std::move(message)});
    };
    const auto strings_n = [&] { return " (strings has " + std::to_string(ns) + ")"; };
    const auto locations_n = [&] { return " (locations has " + std::to_string(nl) + ")"; };
    if (std::uint8_t(e.kind) >= kEventKindCount)
        return problem(2, "event kind out of range (0 to " + std::to_string(kEventKindCount - 1) +
                              ")");
    if (e.thread >= threads)
        return problem(5,
                       "thread index out of range (threads has " + std::to_string(threads) + ")");
    switch (e.kind) {
    case EventKind::Spawn:
    case EventKind::TaskName:
    case EventKind::PollStart:
    case EventKind::PollEnd:
    case EventKind::Wake:
    case EventKind::Cancel:
    case EventKind::Enqueue:
    case EventKind::Steal:
        if (e.task == 0)
            return problem(1, "task 0 (no task) on a " + std::string(kind_name(e.kind)) +
                                  " event, which needs a task");
        break;
    default:
        break;
    }
    switch (e.kind) {
    case EventKind::Spawn:
        if (e.arg2 >= nl)
            return problem(4, "location id out of range" + locations_n());
        break;
    case EventKind::PollEnd:
        if (e.arg >= nl)
            return problem(3, "location id out of range" + locations_n());
        if (e.flag > 2)
            return problem(6, "poll outcome out of range (0, 1 or 2)");
        break;
    case EventKind::Wake:
        if (e.flag > 1)
            return problem(6, "wake source out of range (0 or 1)");
        break;
    case EventKind::Resource:
        if (e.arg == 0)
            return problem(3, "resource id 0 (reserved for unknown)");
        if (e.flag >= kResourceKindCount)
            return problem(6, "resource kind out of range (0 to " +
                                  std::to_string(kResourceKindCount - 1) + ")");
        if (resource_arg2_is_name(e.flag) && e.arg2 >= ns)
            return problem(4, "string id out of range" + strings_n());
        break;
    case EventKind::TaskName:
    case EventKind::Fail:
    case EventKind::Mark:
        if (e.arg >= ns)
            return problem(3, "string id out of range" + strings_n());
        break;
    case EventKind::Enqueue:
        if (e.flag >= kQueueKindCount)
            return problem(6, "queue kind out of range (0 to " +
                                  std::to_string(kQueueKindCount - 1) + ")");
        break;
    case EventKind::WorkerStart:
        if (e.arg2 >= ns)
            return problem(4, "string id out of range" + strings_n());
        break;
    default:
        break;
    }
    return std::nullopt;
}

} // namespace pollscope::trace
