#include "event.h"

#include <algorithm>
#include <iterator>

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

} // namespace pollscope::trace
