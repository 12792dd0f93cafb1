#include "csv_export.h"

#include "json_writer.h"
#include "resource_text.h"
#include "timeline_model.h" // ResourceInfo

#include <cstdio>
#include <unordered_map>

namespace pollscope::trace {

namespace {

/// RFC 4180: quote when the field holds a comma, quote or line break.
void field(detail::JsonWriter& w, std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
        w.raw(s);
        return;
    }
    w.ch('"');
    for (char c : s) {
        if (c == '"')
            w.ch('"');
        w.ch(c);
    }
    w.ch('"');
}

} // namespace

bool write_csv(const Trace& t, const Sink& sink, const Progress& progress) {
    detail::JsonWriter w(sink);
    w.raw("# Pollscope trace, one row per event. Columns: ts_ns (nanoseconds), thread (index),\n"
          "# thread_name, kind, task (0: none), task_name, outcome (poll_end), other_task\n"
          "# (spawn: parent; wake: waker, 0 = plain thread), location (spawn site or await\n"
          "# site, file:line), text (mark text, failure message, channel kind@address,\n"
          "# worker index, enqueue: queue[@worker][ xN], steal: from worker N xM, broadcast\n"
          "# subscribe/unsubscribe: broadcast@address, broadcast_lag: missed N@0x...low 32\n"
          "# bits of the address), waits_on\n"
          "# (poll_end Pending and resource: what the task waits on, e.g. sleep until\n"
          "# 100.0 ms).\n");
    w.raw("ts_ns,thread,thread_name,kind,task,task_name,outcome,other_task,location,text,"
          "waits_on\n");
    std::unordered_map<std::uint32_t, std::uint32_t> names;
    std::unordered_map<std::uint32_t, std::string> waits; // resource id -> text
    for (const Event& e : t.events) {
        if (e.kind == EventKind::TaskName)
            names[e.task] = e.arg;
        else if (e.kind == EventKind::Resource)
            waits.try_emplace(e.arg, resource_text(ResourceInfo{e.ts, e.arg2, e.flag}, t));
    }
    auto waits_on = [&](std::uint32_t id) -> std::string_view {
        auto it = waits.find(id);
        return it == waits.end() ? kUnknownResourceText : std::string_view(it->second);
    };
    std::size_t done = 0;
    for (const Event& e : t.events) {
        if (progress && (++done & 0x3fff) == 0)
            progress(double(done) / double(t.events.size()));
        w.num(e.ts);
        w.ch(',');
        w.num(e.thread);
        w.ch(',');
        if (e.thread < t.threads.size())
            field(w, t.string(t.threads[e.thread].name));
        w.ch(',');
        w.raw(kind_name(e.kind));
        w.ch(',');
        w.num(e.task);
        w.ch(',');
        if (auto it = names.find(e.task); it != names.end())
            field(w, t.string(it->second));
        w.ch(',');
        if (e.kind == EventKind::PollEnd)
            w.raw(outcome_name(e.outcome()));
        w.ch(',');
        if (e.kind == EventKind::Spawn || e.kind == EventKind::Wake)
            w.num(e.arg);
        w.ch(',');
        if (e.kind == EventKind::Spawn)
            field(w, t.location_text(e.arg2));
        else if (e.kind == EventKind::PollEnd)
            field(w, t.location_text(e.arg));
        w.ch(',');
        switch (e.kind) {
        case EventKind::Mark:
        case EventKind::Fail:
            field(w, t.string(e.arg));
            break;
        case EventKind::ChannelSend:
        case EventKind::ChannelRecv:
        case EventKind::BroadcastSubscribe:
        case EventKind::BroadcastUnsubscribe: {
            char addr[24];
            std::snprintf(addr, sizeof addr, "@0x%llx",
                          static_cast<unsigned long long>((std::uint64_t(e.arg2) << 32) | e.arg));
            w.raw(channel_kind_name(e.flag));
            w.raw(addr);
            break;
        }
        case EventKind::BroadcastLag: {
            char text[48];
            std::snprintf(text, sizeof text, "missed %u@0x...%08x", e.arg2, e.arg);
            w.raw(text);
            break;
        }
        case EventKind::WorkerStart:
            w.num(e.arg);
            break;
        case EventKind::Enqueue:
        case EventKind::Steal:
            field(w, queue_event_text(e));
            break;
        default:
            break;
        }
        w.ch(',');
        if (e.kind == EventKind::Resource)
            field(w, waits_on(e.arg));
        else if (e.kind == EventKind::PollEnd && e.outcome() == Outcome::Pending)
            field(w, waits_on(e.arg2));
        w.ch('\n');
        w.maybe_flush();
    }
    return w.flush();
}

std::string to_csv(const Trace& trace) {
    std::string out;
    write_csv(trace, [&](std::string_view s) {
        out.append(s);
        return true;
    });
    return out;
}

} // namespace pollscope::trace
