#include "chrome_json.h"

#include "json_writer.h"

#include <unordered_map>
#include <vector>

namespace pollscope::trace {

namespace {

using detail::JsonWriter;

constexpr int kTaskPid = 1;
constexpr int kThreadPid = 2;

/// Events written so far of the two passes over them (raw, then traceEvents).
void report(const ChromeOptions& o, std::size_t i, std::size_t pass, const Trace& t) {
    if (o.progress && (i & 0x3fff) == 0 && !t.events.empty()) {
        const double passes = o.include_raw ? 2.0 : 1.0;
        o.progress((double(pass) + double(i) / double(t.events.size())) / passes);
    }
}

void write_raw(JsonWriter& w, const Trace& t, const ChromeOptions& o) {
    w.raw(R"("pollscope":{"format":"pollscope-trace","version":1,"virtual_time":)");
    w.raw(t.virtual_time ? "true" : "false");
    w.raw(",\"dropped\":");
    w.num(t.dropped);
    w.raw(",\"strings\":[");
    for (std::size_t i = 0; i < t.strings.size(); ++i) {
        if (i)
            w.ch(',');
        w.str(t.strings[i]);
        w.maybe_flush();
    }
    w.raw("],\"locations\":[");
    for (std::size_t i = 0; i < t.locations.size(); ++i) {
        const auto& l = t.locations[i];
        w.raw(i ? ",[" : "[");
        w.num(l.file);
        w.ch(',');
        w.num(l.function);
        w.ch(',');
        w.num(l.line);
        w.ch(',');
        w.num(l.column);
        w.ch(']');
        w.maybe_flush();
    }
    w.raw("],\"threads\":[");
    for (std::size_t i = 0; i < t.threads.size(); ++i) {
        const auto& th = t.threads[i];
        w.raw(i ? ",[" : "[");
        w.num(th.os_id);
        w.ch(',');
        w.num(th.worker);
        w.ch(',');
        w.num(th.name);
        w.ch(']');
    }
    w.raw("],\"events\":[");
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const auto& e = t.events[i];
        report(o, i, 0, t);
        w.raw(i ? ",\n[" : "\n[");
        w.num(e.ts);
        w.ch(',');
        w.num(e.task);
        w.ch(',');
        w.num(static_cast<unsigned>(e.kind));
        w.ch(',');
        w.num(e.arg);
        w.ch(',');
        w.num(e.arg2);
        w.ch(',');
        w.num(e.thread);
        w.ch(',');
        w.num(static_cast<unsigned>(e.flag));
        w.ch(']');
        w.maybe_flush();
    }
    w.raw("]},\n");
}

/// What the exporter remembers per task while walking the events.
struct TaskTrack {
    std::uint32_t name = 0;
    std::string label; // cached display name
    std::int64_t poll_start = -1;
    std::uint16_t poll_thread = 0;
    std::int64_t idle_since = -1;
    std::int64_t sched_since = -1;
    bool woken_while_running = false;
    std::vector<std::uint64_t> flows; // wakes waiting for the poll they cause
};

class ChromeWriter {
public:
    ChromeWriter(const Trace& t, JsonWriter& w, const ChromeOptions& o)
        : t_(t)
        , w_(w)
        , o_(o) {}

    void run() {
        w_.raw("\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
        meta_process(kTaskPid, o_.per_worker ? "workers" : "tasks");
        meta_process(kThreadPid, "threads");
        for (std::size_t i = 0; i < t_.events.size(); ++i) {
            report(o_, i, o_.include_raw ? 1 : 0, t_);
            event(t_.events[i]);
            w_.maybe_flush();
        }
        for (auto& [id, track] : tasks_) {
            if (o_.per_worker)
                break;
            begin("M", kTaskPid, id, -1, "thread_name");
            w_.raw(",\"args\":{\"name\":");
            w_.str(task_name(id, track));
            w_.raw("}}");
            begin("M", kTaskPid, id, -1, "thread_sort_index");
            w_.raw(",\"args\":{\"sort_index\":");
            w_.num(id);
            w_.raw("}}");
            w_.maybe_flush();
        }
        for (std::size_t i = 0; i < t_.threads.size(); ++i) {
            std::string name(t_.string(t_.threads[i].name));
            if (name.empty())
                name = "thread " + std::to_string(i);
            for (int pid : {kThreadPid, kTaskPid}) {
                if (pid == kTaskPid && !o_.per_worker)
                    continue;
                begin("M", pid, static_cast<std::uint32_t>(i + 1), -1, "thread_name");
                w_.raw(",\"args\":{\"name\":");
                w_.str(name);
                w_.raw("}}");
            }
        }
        w_.raw("\n]}\n");
    }

private:
    std::string task_name(std::uint32_t id, const TaskTrack& tr) const {
        std::string n(t_.string(tr.name));
        return n.empty() ? "task " + std::to_string(id) : n + " #" + std::to_string(id);
    }
    std::uint32_t task_tid(std::uint32_t task, std::uint16_t thread) const {
        return o_.per_worker ? std::uint32_t(thread) + 1 : task;
    }
    /// Opens {"ph":..,"pid":..,"tid":..,"ts":..,"name":..  (no closing brace).
    void begin(const char* ph, int pid, std::uint32_t tid, std::int64_t ts, std::string_view name) {
        w_.raw(first_ ? "{\"ph\":\"" : ",\n{\"ph\":\"");
        first_ = false;
        w_.raw(ph);
        w_.raw("\",\"pid\":");
        w_.num(pid);
        w_.raw(",\"tid\":");
        w_.num(tid);
        if (ts >= 0) {
            w_.raw(",\"ts\":");
            w_.us(ts);
        }
        w_.raw(",\"name\":");
        w_.str(name);
    }
    void meta_process(int pid, std::string_view name) {
        begin("M", pid, 0, -1, "process_name");
        w_.raw(",\"args\":{\"name\":");
        w_.str(name);
        w_.raw("}}");
    }
    void slice(std::uint32_t tid, std::int64_t from, std::int64_t to, std::string_view name,
               const char* cat) {
        begin("X", kTaskPid, tid, from, name);
        w_.raw(",\"cat\":\"");
        w_.raw(cat);
        w_.raw("\",\"dur\":");
        w_.us(to - from);
        w_.ch('}');
    }
    void instant(int pid, std::uint32_t tid, std::int64_t ts, std::string_view name,
                 std::string_view detail_key = {}, std::string_view detail = {}) {
        begin("i", pid, tid, ts, name);
        w_.raw(",\"s\":\"t\"");
        if (!detail_key.empty()) {
            w_.raw(",\"args\":{");
            w_.str(detail_key);
            w_.ch(':');
            w_.str(detail);
            w_.ch('}');
        }
        w_.ch('}');
    }
    /// Instant on the task's track, or the thread's when no task.
    void task_instant(const Event& e, std::string_view name, std::string_view key = {},
                      std::string_view detail = {}) {
        if (e.task == 0 || o_.per_worker)
            instant(e.task == 0 ? kThreadPid : kTaskPid, std::uint32_t(e.thread) + 1, e.ts, name,
                    key, detail);
        else
            instant(kTaskPid, e.task, e.ts, name, key, detail);
    }

    void event(const Event& e) {
        TaskTrack* tr = e.task ? &tasks_[e.task] : nullptr;
        if (!tr && e.kind <= EventKind::Cancel) // these need a task; the importer refuses them
            return;
        switch (e.kind) {
        case EventKind::Spawn:
            tr->sched_since = e.ts;
            task_instant(e, "spawn", "location", e.arg2 < sites_.size() ? sites_[e.arg2] : "");
            break;
        case EventKind::TaskName:
            tr->name = e.arg;
            tr->label.clear();
            break;
        case EventKind::PollStart:
            if (!o_.per_worker) {
                if (tr->idle_since >= 0)
                    slice(e.task, tr->idle_since, e.ts, "idle", "wait");
                else if (tr->sched_since >= 0)
                    slice(e.task, tr->sched_since, e.ts, "scheduled", "wait");
            }
            tr->idle_since = tr->sched_since = -1;
            tr->poll_start = e.ts;
            tr->poll_thread = e.thread;
            tr->woken_while_running = false;
            for (auto id : tr->flows) {
                begin("f", kTaskPid, task_tid(e.task, e.thread), e.ts, "wake");
                w_.raw(",\"cat\":\"wake\",\"bp\":\"e\",\"id\":");
                w_.num(id);
                w_.ch('}');
            }
            tr->flows.clear();
            break;
        case EventKind::PollEnd: {
            if (tr->poll_start < 0)
                break;
            if (tr->label.empty())
                tr->label = task_name(e.task, *tr);
            begin("X", kTaskPid, task_tid(e.task, tr->poll_thread), tr->poll_start, tr->label);
            w_.raw(",\"cat\":\"poll\",\"dur\":");
            w_.us(e.ts - tr->poll_start);
            w_.raw(",\"args\":{\"task\":");
            w_.num(e.task);
            w_.raw(",\"outcome\":");
            w_.str(outcome_name(e.outcome()));
            if (e.arg && e.arg < sites_.size()) {
                w_.raw(",\"await\":");
                w_.str(sites_[e.arg]);
            }
            w_.raw("}}");
            tr->poll_start = -1;
            if (e.outcome() == Outcome::Pending) {
                if (tr->woken_while_running)
                    tr->sched_since = e.ts;
                else
                    tr->idle_since = e.ts;
            }
            break;
        }
        case EventKind::Wake: {
            const auto id = ++flow_;
            std::uint32_t tid;
            int pid = kTaskPid;
            if (o_.per_worker) {
                tid = std::uint32_t(e.thread) + 1;
            } else if (e.arg != 0) {
                tid = e.arg; // inside the waker's poll slice
            } else {
                pid = kThreadPid;
                tid = std::uint32_t(e.thread) + 1;
            }
            if (pid == kThreadPid || (o_.per_worker && e.arg == 0)) {
                // A slice for the arrow to start from: plain threads have no poll.
                begin("X", pid, tid, e.ts, "wake " + std::to_string(e.task));
                w_.raw(",\"cat\":\"wake\",\"dur\":0}");
            }
            begin("s", pid, tid, e.ts, "wake");
            w_.raw(",\"cat\":\"wake\",\"id\":");
            w_.num(id);
            w_.ch('}');
            tr->flows.push_back(id);
            if (tr->poll_start >= 0) {
                tr->woken_while_running = true;
            } else if (tr->idle_since >= 0) {
                if (!o_.per_worker)
                    slice(e.task, tr->idle_since, e.ts, "idle", "wait");
                tr->idle_since = -1;
                tr->sched_since = e.ts;
            }
            break;
        }
        case EventKind::Cancel:
            tr->idle_since = tr->sched_since = -1;
            tr->flows.clear();
            task_instant(e, "cancel");
            break;
        case EventKind::Fail:
            task_instant(e, "fail", "error", t_.string(e.arg));
            break;
        case EventKind::Yield:
            task_instant(e, "yield");
            break;
        case EventKind::ChannelSend:
        case EventKind::ChannelRecv:
            task_instant(e, e.kind == EventKind::ChannelSend ? "send" : "recv", "channel",
                         channel_kind_name(e.flag));
            break;
        case EventKind::Shutdown:
            begin("i", kThreadPid, std::uint32_t(e.thread) + 1, e.ts, "shutdown signal");
            w_.raw(",\"s\":\"g\",\"args\":{\"sender\":");
            w_.num(e.task);
            w_.raw("}}");
            break;
        case EventKind::Mark:
            task_instant(e, t_.string(e.arg));
            break;
        case EventKind::WorkerStart:
            task_instant(e, "worker start", "worker", std::to_string(e.arg));
            break;
        }
    }

    const Trace& t_;
    JsonWriter& w_;
    const ChromeOptions& o_;
    std::unordered_map<std::uint32_t, TaskTrack> tasks_;
    std::vector<std::string> sites_;
    std::uint64_t flow_ = 0;
    bool first_ = true;
};

} // namespace

bool write_chrome_json(const Trace& trace, const Sink& sink, const ChromeOptions& options) {
    JsonWriter w(sink);
    w.ch('{');
    if (options.include_raw)
        write_raw(w, trace, options);
    ChromeWriter(trace, w, options).run();
    return w.flush();
}

std::string to_chrome_json(const Trace& trace, const ChromeOptions& options) {
    std::string out;
    out.reserve(trace.events.size() * 200 + 4096);
    write_chrome_json(
        trace,
        [&](std::string_view s) {
            out.append(s);
            return true;
        },
        options);
    return out;
}

} // namespace pollscope::trace
