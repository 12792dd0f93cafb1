#include "resource_text.h"

#include "duration_text.h"
#include "timeline_model.h"

namespace pollscope::trace {

namespace {
/// " 'name'" or "" when unnamed.
std::string quoted(const ResourceInfo& r, const Trace& trace) {
    const std::string_view name = trace.string(r.arg);
    return name.empty() ? std::string() : " '" + std::string(name) + "'";
}
} // namespace

std::string resource_text(const ResourceInfo& r, const Trace& trace) {
    switch (static_cast<ResourceKind>(r.kind)) {
    case ResourceKind::Unknown:
        break;
    case ResourceKind::Sleep:
        // value: the time left (us) when the first Pending on it was recorded, at ts.
        return "sleep until " + duration_text(r.ts + std::int64_t(r.arg) * 1000);
    case ResourceKind::TimerFuture:
        return "TimerFuture thread";
    case ResourceKind::MpscRecv: // waits only on an empty channel
        return "mpsc recv" + quoted(r, trace) + " (empty)";
    case ResourceKind::MpscSend: // waits only on a full one
        return "mpsc send" + quoted(r, trace) + " (full)";
    case ResourceKind::BroadcastRecv:
        return "broadcast recv" + quoted(r, trace);
    case ResourceKind::OneshotRecv:
        return "oneshot recv" + quoted(r, trace);
    case ResourceKind::JoinHandle:
        return "join handle of task " + std::to_string(r.arg);
    case ResourceKind::Yield:
        return "yield";
    case ResourceKind::Mutex:
        return "async mutex" + quoted(r, trace);
    case ResourceKind::TaskQueue:
        return "task channel" + quoted(r, trace);
    case ResourceKind::Blocking:
        return "blocking pool job";
    case ResourceKind::LocalSet:
        return "local set's tasks";
    }
    return std::string(kUnknownResourceText);
}

} // namespace pollscope::trace
