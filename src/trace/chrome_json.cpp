#include "chrome_json.h"

#include "json_writer.h"
#include "timeline_model.h"

#include <algorithm>
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
    w.raw(R"("pollscope":{"format":"pollscope-trace","version":2,"virtual_time":)");
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

class ChromeWriter {
public:
    ChromeWriter(const TimelineModel& m, JsonWriter& w, const ChromeOptions& o)
        : m_(m)
        , t_(m.trace())
        , w_(w)
        , o_(o) {}

    void run() {
        w_.raw("\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
        meta_process(kTaskPid, o_.per_worker ? "workers" : "tasks");
        meta_process(kThreadPid, "threads");
        const auto& polls = m_.polls();
        const std::size_t total = polls.size() + m_.wakes().size() + m_.markers().size() + 1;
        std::size_t done = 0;
        auto step = [&] {
            if (o_.progress && (++done & 0x3fff) == 0)
                o_.progress((o_.include_raw ? 1.0 + double(done) / double(total)
                                            : double(done) / double(total)) /
                            (o_.include_raw ? 2.0 : 1.0));
        };
        std::vector<Wait> waits;
        for (std::uint32_t i = 0; i < polls.size(); ++i) {
            step();
            poll(i, waits);
            w_.maybe_flush();
        }
        for (const auto& wk : m_.wakes()) {
            step();
            wake(wk);
            w_.maybe_flush();
        }
        for (const auto& mk : m_.markers()) {
            step();
            marker(mk);
            w_.maybe_flush();
        }
        // Channel traffic, worker starts and steals are not in the model's markers.
        for (const Event& e : t_.events) {
            if (e.kind == EventKind::ChannelSend || e.kind == EventKind::ChannelRecv)
                task_instant(e.task, e.thread, e.ts,
                             e.kind == EventKind::ChannelSend ? "send" : "recv", "channel",
                             channel_kind_name(e.flag));
            else if (e.kind == EventKind::WorkerStart)
                task_instant(e.task, e.thread, e.ts, "worker start", "worker",
                             std::to_string(e.arg));
            else if (e.kind == EventKind::Steal)
                task_instant(e.task, e.thread, e.ts, "steal", "queue", queue_event_text(e));
            else
                continue;
            w_.maybe_flush();
        }
        if (!o_.per_worker) {
            for (const auto& lane : m_.task_lanes()) {
                begin("M", kTaskPid, lane.key, -1, "thread_name");
                w_.raw(",\"args\":{\"name\":");
                w_.str(m_.task_title(lane.key));
                w_.raw("}}");
                begin("M", kTaskPid, lane.key, -1, "thread_sort_index");
                w_.raw(",\"args\":{\"sort_index\":");
                w_.num(lane.key);
                w_.raw("}}");
                w_.maybe_flush();
            }
        }
        for (std::size_t i = 0; i < t_.threads.size(); ++i) {
            const std::string name = m_.thread_label(std::uint16_t(i));
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
    void task_instant(std::uint32_t task, std::uint16_t thread, std::int64_t ts,
                      std::string_view name, std::string_view key = {},
                      std::string_view detail = {}) {
        if (task == 0 || o_.per_worker)
            instant(task == 0 ? kThreadPid : kTaskPid, std::uint32_t(thread) + 1, ts, name, key,
                    detail);
        else
            instant(kTaskPid, task, ts, name, key, detail);
    }
    const std::string& site(std::uint32_t id) {
        if (id >= sites_.size())
            sites_.resize(std::max<std::size_t>(id + 1, t_.locations.size()));
        if (sites_[id].empty() && id != 0)
            sites_[id] = t_.location_text(id);
        return sites_[id];
    }

    /// The model's text, once per resource.
    const std::string& waits_on(std::uint32_t poll_index) {
        auto [it, fresh] = waits_text_.try_emplace(m_.waits_on(poll_index));
        if (fresh)
            it->second = m_.waits_on_text(poll_index);
        return it->second;
    }

    void poll(std::uint32_t i, std::vector<Wait>& waits) {
        const PollBar& b = m_.polls()[i];
        if (b.open())
            return; // cut off mid-poll: no end to draw
        if (!o_.per_worker) {
            waits.clear();
            m_.waits_before(i, waits);
            for (const auto& wt : waits)
                slice(b.task, wt.start, wt.end,
                      wt.kind == Wait::Kind::Waiting ? "idle" : "scheduled", "wait");
        }
        std::string& label = labels_[b.task];
        if (label.empty())
            label = m_.task_title(b.task);
        begin("X", kTaskPid, task_tid(b.task, b.thread), b.start, label);
        w_.raw(",\"cat\":\"poll\",\"dur\":");
        w_.us(b.end - b.start);
        w_.raw(",\"args\":{\"task\":");
        w_.num(b.task);
        w_.raw(",\"poll\":");
        w_.num(b.number);
        w_.raw(",\"outcome\":");
        w_.str(outcome_name(b.outcome));
        if (b.site != 0 && !site(b.site).empty()) {
            w_.raw(",\"await\":");
            w_.str(site(b.site));
        }
        if (b.outcome == Outcome::Pending) {
            w_.raw(",\"waits_on\":");
            w_.str(waits_on(i));
        }
        w_.raw("}}");
    }

    /// Where a task's wake leaves it: its time inside one of its polls; for
    /// the wake a finished task gives its JoinHandle just after its last poll,
    /// that poll's end; -1 when outside every poll (a cancelled task's end).
    std::int64_t in_waker_poll(const WakeRec& wk) const {
        const int li = m_.task_lane(wk.waker);
        if (li < 0)
            return -1;
        const auto& v = m_.task_lanes()[std::size_t(li)].polls;
        auto it =
            std::upper_bound(v.begin(), v.end(), wk.ts, [this](std::int64_t t, std::uint32_t i) {
                return t < m_.polls()[i].start;
            });
        if (it == v.begin())
            return -1;
        const PollBar& b = m_.polls()[*(it - 1)];
        if (b.open() || wk.ts <= b.end)
            return wk.ts;
        const bool finished = it == v.end() && b.outcome != Outcome::Pending;
        return finished ? b.end : -1;
    }

    void wake(const WakeRec& wk) {
        int pid = kTaskPid;
        std::uint32_t tid;
        if (o_.per_worker) {
            tid = std::uint32_t(wk.thread) + 1;
        } else if (wk.waker != 0) {
            tid = wk.waker; // inside the waker's poll slice
        } else {
            pid = kThreadPid;
            tid = std::uint32_t(wk.thread) + 1;
        }
        const std::int64_t from = wk.waker != 0 ? in_waker_poll(wk) : wk.ts;
        if (pid == kThreadPid || (o_.per_worker && wk.waker == 0) || from < 0) {
            // A slice for the arrow to start from: plain threads have no poll,
            // nor has a task woken outside its polls (its cancellation).
            begin("X", pid, tid, wk.ts, "wake " + std::to_string(wk.woken));
            w_.raw(",\"cat\":\"wake\",\"dur\":0.0005");
            if (wk.source == WakeSource::Timer)
                w_.raw(",\"args\":{\"source\":\"timer\"}");
            w_.ch('}');
        }
        if (wk.caused == kNoIndex || m_.polls()[wk.caused].open()) {
            // It caused no poll (the task ended first): no arrow to draw.
            if (pid == kTaskPid && !(o_.per_worker && wk.waker == 0))
                instant(pid, tid, wk.ts, "wake " + std::to_string(wk.woken));
            return;
        }
        const PollBar& target = m_.polls()[wk.caused];
        const auto id = ++flow_;
        begin("s", pid, tid, from < 0 ? wk.ts : from, "wake");
        w_.raw(",\"cat\":\"wake\",\"id\":");
        w_.num(id);
        w_.ch('}');
        begin("f", kTaskPid, task_tid(target.task, target.thread), target.start, "wake");
        w_.raw(",\"cat\":\"wake\",\"bp\":\"e\",\"id\":");
        w_.num(id);
        w_.ch('}');
    }

    void marker(const Marker& mk) {
        switch (mk.kind) {
        case MarkerKind::Spawn: {
            const int li = m_.task_lane(mk.task);
            const std::uint32_t parent = li < 0 ? 0 : m_.task_lanes()[std::size_t(li)].parent;
            begin("i", o_.per_worker || mk.task == 0 ? kThreadPid : kTaskPid,
                  o_.per_worker || mk.task == 0 ? std::uint32_t(mk.thread) + 1 : mk.task, mk.ts,
                  "spawn");
            w_.raw(",\"s\":\"t\",\"args\":{\"task\":");
            w_.num(mk.task);
            w_.raw(",\"parent\":");
            w_.num(parent);
            w_.raw(",\"location\":");
            w_.str(site(mk.text));
            w_.raw("}}");
            break;
        }
        case MarkerKind::Cancel:
            task_instant(mk.task, mk.thread, mk.ts, "cancel");
            break;
        case MarkerKind::Fail:
            task_instant(mk.task, mk.thread, mk.ts, "fail", "error", t_.string(mk.text));
            break;
        case MarkerKind::Yield:
            task_instant(mk.task, mk.thread, mk.ts, "yield");
            break;
        case MarkerKind::Shutdown:
            begin("i", kThreadPid, std::uint32_t(mk.thread) + 1, mk.ts, "shutdown signal");
            w_.raw(",\"s\":\"g\",\"args\":{\"sender\":");
            w_.num(mk.task);
            w_.raw("}}");
            break;
        case MarkerKind::Mark:
            task_instant(mk.task, mk.thread, mk.ts, t_.string(mk.text));
            break;
        }
    }

    const TimelineModel& m_;
    const Trace& t_;
    JsonWriter& w_;
    const ChromeOptions& o_;
    std::unordered_map<std::uint32_t, std::string> labels_;
    std::vector<std::string> sites_;
    std::unordered_map<std::uint32_t, std::string> waits_text_; // resource id -> text
    std::uint64_t flow_ = 0;
    bool first_ = true;
};

} // namespace

bool write_chrome_json(const TimelineModel& model, const Sink& sink, const ChromeOptions& options) {
    JsonWriter w(sink);
    w.ch('{');
    if (options.include_raw)
        write_raw(w, model.trace(), options);
    ChromeWriter(model, w, options).run();
    return w.flush();
}

bool write_chrome_json(const Trace& trace, const Sink& sink, const ChromeOptions& options) {
    TimelineModel model;
    model.load(trace);
    return write_chrome_json(model, sink, options);
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
