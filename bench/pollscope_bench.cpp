// pollscope-bench: the executor workloads of shared/bench/WORKLOADS.md on our
// Runtime, one CSV line per workload in the peers' format:
//
//     runtime,workload,threads,n,seconds,rate_per_s
//
// Each workload has the shape of the Tokio peer (peers/tokio/src/main.rs):
// the root of every repetition is a task on the runtime's workers and times
// its own measured part (runtime start-up excluded); `seconds` is the median
// of --reps repetitions after 1 warm-up. Every repetition checks its result
// and the program exits 1 on a wrong one.
//
// usage: pollscope-bench [--threads K] [--reps R] [--workload NAME]
//                        [--workloads a,b,...] [--n N] [--trace [--serve]]
//   --trace   record every transition (a ring of ~4M events); prints to stderr
//             per workload the warm-up's events and record bytes per event,
//             its polls, and the median repetition's ns per event and per poll
//   --serve   with --trace: serve the events on a Unix socket to a viewer that
//             stays attached throughout (a StreamClient draining every 10 ms,
//             in this process, as `pollscope --attach` would): the cost of
//             attaching to a program
// env:   BENCH_REPS (default reps), BENCH_VERBOSE (every repetition to stderr)
//
// Recorder workloads (only when named, need pollscope_trace; not in the peers'
// set; their own CSV lines):
//   record  ns per recorded event: batches of 10,000 hook calls through a
//           Hooks*, either poll start/end pairs (a clock read per event) or
//           yielding polls (start, yield, self-wake, end: two reads per four
//           events); per time source, the median, p10 and p90 over batches:
//           recorder,record_<source>_<mix>,batches,events_per_batch,median_ns,p10_ns,p90_ns
//   export  --n events (default 1,000,000) of a synthetic trace: to Chrome JSON
//           in memory, saved to a file (temporary + rename; with
//           pollscope_trace_io) and re-opened and compared; --reps each:
//           recorder,export_<step>,reps,events,median_s,min_s
//   stats   statistics of --n events (default 5,000,000) of a synthetic trace:
//           compute_stats of the whole trace; StatsAccumulator::add in drain-
//           sized batches of 10,000 events (ms per 1M events, and the longest
//           batch); snapshot() of the 5M trace and of a 10k-task trace; --reps:
//           recorder,stats_<step>,reps,events,tasks,median_ms,max_ms
//   rewind  the rewind cursor over --n events (default 10,000,000) of a
//           synthetic trace: StateAtStep's index built once; a step back
//           (the tasks its events touch, looked up at the new cursor) at
//           cursors spread over the trace; every task's state at one cursor
//           (a jump): recorder,rewind_<step>,reps,events,tasks,median_ms,max_ms
//
// Note: coroutine lambdas must not capture (captures die with the lambda
// temporary before the task runs): every task here is a free function taking
// what it uses as parameters.

#include "broadcast.h"
#include "mpsc.h"
#include "runtime.h"
#include "select.h"
#include "task.h"
#include "time_driver.h"
#include "yield_now.h"

#ifdef POLLSCOPE_BENCH_HAVE_TRACE
#include "chrome_json.h"
#include "clock.h"
#include "recorder.h"
#include "state_at_step.h"
#include "stats_accumulator.h"
#include "stream_client.h"
#include "synthetic.h"
#include "trace_server.h"

#include <thread>
#include <unistd.h>
#endif
#ifdef POLLSCOPE_BENCH_HAVE_TRACE_IO
#include "trace_file.h"

#include <QDir>
#include <QFile>
#endif

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace pollscope;
using SteadyClock = std::chrono::steady_clock;

constexpr std::array<std::string_view, 6> kWorkloads = {
    "spawn_many", "yield_many", "ping_pong", "chained_spawn", "event_loop", "timers",
};
/// The recorder's own workloads: run only when named.
constexpr std::array<std::string_view, 4> kRecorderWorkloads = {"record", "export", "stats",
                                                                "rewind"};

std::size_t default_n(std::string_view w) {
    if (w == "spawn_many")
        return 200'000;
    if (w == "yield_many")
        return 1'000'000;
    if (w == "ping_pong")
        return 100'000;
    if (w == "chained_spawn")
        return 100'000;
    if (w == "event_loop")
        return 1'000'000;
    return 10'000; // timers
}

std::string g_runtime_name = "pollscope";

[[noreturn]] void fail(const std::string& msg) {
    std::fprintf(stderr, "%s: FAILED: %s\n", g_runtime_name.c_str(), msg.c_str());
    std::exit(1);
}

/// One repetition's answer: its measured wall time, the timer lateness
/// samples (timers only), or an error (a wrong result).
struct RepResult {
    double seconds = 0;
    std::vector<std::int64_t> late_us;
    std::string error;
};

double since(SteadyClock::time_point start) {
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// -------------------------------------------------------------------- Notify
/// A one-shot notification (the part of tokio::sync::Notify the workloads
/// use): notify() once from any thread; `co_await n.wait()` is Ready after.
class Notify {
public:
    void notify() {
        Waker w;
        {
            std::lock_guard lk(m_);
            set_ = true;
            w = std::move(waker_);
        }
        w.wake();
    }

    class Wait {
    public:
        explicit Wait(Notify* n) noexcept
            : n_(n) {}
        Poll<void> poll(Context& cx) {
            Waker old; // a replaced waker is dropped outside the lock
            std::lock_guard lk(n_->m_);
            if (n_->set_)
                return Ready();
            if (!n_->waker_.will_wake(cx.waker()))
                old = std::exchange(n_->waker_, cx.waker());
            return Pending;
        }

    private:
        Notify* n_;
    };
    Wait wait() noexcept { return Wait(this); }

private:
    std::mutex m_;
    bool set_ = false;
    Waker waker_;
};

// ---------------------------------------------------------------- spawn_many
struct Countdown {
    std::atomic<std::size_t> count{0};
    Notify notify;
};

Task<void> spawn_many_child(std::shared_ptr<Countdown> s, std::size_t n) {
    if (s->count.fetch_add(1, std::memory_order_acq_rel) + 1 == n)
        s->notify.notify();
    co_return;
}

Task<RepResult> spawn_many(std::size_t n) {
    auto shared = std::make_shared<Countdown>();
    auto start = SteadyClock::now();
    for (std::size_t i = 0; i < n; ++i)
        (void)spawn(spawn_many_child(shared, n));
    co_await shared->notify.wait();
    RepResult r;
    r.seconds = since(start);
    auto got = shared->count.load(std::memory_order_acquire);
    if (got != n)
        r.error = "spawn_many: counter " + std::to_string(got) + " != " + std::to_string(n);
    co_return r;
}

// ---------------------------------------------------------------- yield_many
constexpr std::size_t kYieldTasks = 200;

struct YieldShared {
    std::atomic<std::size_t> yields{0};
    std::atomic<std::size_t> done{0};
    Notify notify;
};

Task<void> yield_child(std::shared_ptr<YieldShared> s, std::size_t per) {
    std::size_t c = 0;
    for (std::size_t i = 0; i < per; ++i) {
        co_await yield_now();
        ++c;
    }
    s->yields.fetch_add(c, std::memory_order_acq_rel);
    if (s->done.fetch_add(1, std::memory_order_acq_rel) + 1 == kYieldTasks)
        s->notify.notify();
}

Task<RepResult> yield_many(std::size_t n) {
    const std::size_t per = n / kYieldTasks;
    auto shared = std::make_shared<YieldShared>();
    auto start = SteadyClock::now();
    for (std::size_t i = 0; i < kYieldTasks; ++i)
        (void)spawn(yield_child(shared, per));
    co_await shared->notify.wait();
    RepResult r;
    r.seconds = since(start);
    auto got = shared->yields.load(std::memory_order_acquire);
    if (got != per * kYieldTasks || got != n)
        r.error = "yield_many: " + std::to_string(got) + " yields != " + std::to_string(n);
    co_return r;
}

// ----------------------------------------------------------------- ping_pong
/// Bounces every token back, incremented; returns how many it saw.
Task<std::uint64_t> pong(mpsc::Receiver<std::uint64_t> a_rx, mpsc::Sender<std::uint64_t> b_tx) {
    std::uint64_t seen = 0;
    for (;;) {
        auto t = co_await a_rx.recv();
        if (!t)
            break;
        ++seen;
        if (!co_await b_tx.send(*t + 1))
            break;
    }
    co_return seen;
}

/// n round trips; returns the final token, or nullopt when a channel failed.
Task<std::optional<std::uint64_t>> ping(mpsc::Sender<std::uint64_t> a_tx,
                                        mpsc::Receiver<std::uint64_t> b_rx, std::size_t n) {
    std::uint64_t tok = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!co_await a_tx.send(tok))
            co_return std::nullopt;
        auto t = co_await b_rx.recv();
        if (!t)
            co_return std::nullopt;
        tok = *t;
    }
    co_return tok;
}

Task<RepResult> ping_pong(std::size_t n) {
    auto start = SteadyClock::now();
    auto [a_tx, a_rx] = mpsc::channel<std::uint64_t>(1);
    auto [b_tx, b_rx] = mpsc::channel<std::uint64_t>(1);
    auto pong_h = spawn(pong(std::move(a_rx), std::move(b_tx)));
    auto ping_h = spawn(ping(std::move(a_tx), std::move(b_rx), n));
    auto tok = co_await ping_h;
    auto seen = co_await pong_h;
    RepResult r;
    r.seconds = since(start);
    if (!tok)
        r.error = "ping_pong: a channel failed";
    else if (*tok != n || seen != n)
        r.error = "ping_pong: token " + std::to_string(*tok) + ", pong saw " +
                  std::to_string(seen) + ", want " + std::to_string(n);
    co_return r;
}

// ------------------------------------------------------------- chained_spawn
struct Chain {
    std::size_t n = 0;
    std::atomic<std::size_t> depth{0};
    Notify notify;
};

Task<void> chain_step(std::shared_ptr<Chain> c, std::size_t depth) {
    if (depth == c->n) {
        c->depth.store(depth, std::memory_order_release);
        c->notify.notify();
    } else {
        (void)spawn(chain_step(c, depth + 1));
    }
    co_return;
}

Task<RepResult> chained_spawn(std::size_t n) {
    auto c = std::make_shared<Chain>();
    c->n = n;
    auto start = SteadyClock::now();
    (void)spawn(chain_step(c, 1)); // spawn #1; task d spawns d+1
    co_await c->notify.wait();
    RepResult r;
    r.seconds = since(start);
    auto got = c->depth.load(std::memory_order_acquire);
    if (got != n)
        r.error = "chained_spawn: depth " + std::to_string(got) + " != " + std::to_string(n);
    co_return r;
}

// ---------------------------------------------------------------- event_loop
constexpr std::size_t kSenders = 10;

/// Sum of len("event i") for i in 0..n (the expected byte count).
std::size_t event_bytes(std::size_t n) {
    std::size_t sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += 6 + std::to_string(i).size();
    return sum;
}

struct LoopCount {
    std::size_t count = 0;
    std::size_t bytes = 0;
};

/// Selects between the events and the shutdown broadcast; drains the events
/// still buffered after shutdown (they were sent before it).
Task<LoopCount> event_loop_task(mpsc::Receiver<std::string> rx, broadcast::Receiver<int> sd_rx) {
    LoopCount c;
    for (;;) {
        auto r = co_await select(rx.recv(), sd_rx.recv());
        if (r.index == 1)
            break;
        auto& ev = std::get<0>(r.value);
        if (!ev) {
            // every sender is gone: the channel branch is disabled (Tokio's
            // `Some(ev) = rx.recv()`), only the shutdown is left to wait for
            co_await sd_rx.recv();
            break;
        }
        ++c.count;
        c.bytes += ev->size();
    }
    while (auto ev = rx.try_recv()) {
        ++c.count;
        c.bytes += ev->size();
    }
    co_return c;
}

Task<bool> event_sender(mpsc::Sender<std::string> tx, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
        if (!co_await tx.send("event " + std::to_string(i)))
            co_return false;
    }
    co_return true;
}

Task<RepResult> event_loop(std::size_t n) {
    const std::size_t per = n / kSenders;
    auto start = SteadyClock::now();
    auto [tx, rx] = mpsc::channel<std::string>(1000);
    auto [sd_tx, sd_rx] = broadcast::channel<int>(1000); // as in Example 6
    auto lp = spawn(event_loop_task(std::move(rx), std::move(sd_rx)));
    std::vector<JoinHandle<bool>> senders;
    senders.reserve(kSenders);
    for (std::size_t s = 0; s < kSenders; ++s)
        senders.push_back(spawn(event_sender(tx, s * per, (s + 1) * per)));
    tx = mpsc::Sender<std::string>{}; // drop the root's sender
    RepResult r;
    for (auto& h : senders) {
        if (!co_await h)
            r.error = "event_loop: send failed";
    }
    if (!sd_tx.send(1))
        r.error = "event_loop: shutdown send failed";
    auto c = co_await lp;
    r.seconds = since(start);
    const std::size_t want_bytes = event_bytes(per * kSenders);
    if (r.error.empty() && (c.count != n || c.count != per * kSenders || c.bytes != want_bytes))
        r.error = "event_loop: count " + std::to_string(c.count) + " (want " + std::to_string(n) +
                  "), bytes " + std::to_string(c.bytes) + " (want " + std::to_string(want_bytes) +
                  ")";
    co_return r;
}

// -------------------------------------------------------------------- timers
constexpr std::size_t kSleeps = 10;
using Lateness = std::array<std::int64_t, kSleeps>;

Task<Lateness> timer_task() {
    Lateness late{};
    for (auto& l : late) {
        auto t0 = SteadyClock::now();
        co_await sleep(std::chrono::milliseconds(1));
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - t0);
        l = static_cast<std::int64_t>(us.count()) - 1000;
    }
    co_return late;
}

Task<RepResult> timers(std::size_t n) {
    auto start = SteadyClock::now();
    std::vector<JoinHandle<Lateness>> handles;
    handles.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        handles.push_back(spawn(timer_task()));
    RepResult r;
    r.late_us.reserve(n * kSleeps);
    for (auto& h : handles) {
        auto late = co_await h;
        r.late_us.insert(r.late_us.end(), late.begin(), late.end());
    }
    r.seconds = since(start);
    if (r.late_us.size() != n * kSleeps) {
        r.error = "timers: " + std::to_string(r.late_us.size()) +
                  " wake-ups != " + std::to_string(n * kSleeps);
    } else if (!r.late_us.empty()) {
        auto m = *std::min_element(r.late_us.begin(), r.late_us.end());
        if (m < 0)
            r.error = "timers: a sleep woke " + std::to_string(-m) + " us early";
    }
    co_return r;
}

// ---------------------------------------------------------------------- main
Task<RepResult> run_one(std::string_view w, std::size_t n) {
    if (w == "spawn_many")
        return spawn_many(n);
    if (w == "yield_many")
        return yield_many(n);
    if (w == "ping_pong")
        return ping_pong(n);
    if (w == "chained_spawn")
        return chained_spawn(n);
    if (w == "event_loop")
        return event_loop(n);
    return timers(n);
}

std::int64_t percentile(const std::vector<std::int64_t>& sorted, double p) {
    if (sorted.empty())
        return 0;
    // nearest rank
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    rank = std::clamp<std::size_t>(rank, 1, sorted.size());
    return sorted[rank - 1];
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    auto m = v.size() / 2;
    return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2.0;
}

std::size_t parse_count(const std::string& s, const char* what) {
    try {
        std::size_t pos = 0;
        auto v = std::stoull(s, &pos);
        if (pos == s.size())
            return static_cast<std::size_t>(v);
    } catch (...) {
    }
    fail(std::string("bad ") + what + ": " + s);
}

#ifdef POLLSCOPE_BENCH_HAVE_TRACE
// ------------------------------------------------------ attached viewer
#ifdef POLLSCOPE_BENCH_HAVE_TRACE
/// --serve: the recorder served on a socket and a viewer attached to it,
/// draining every 10 ms on a thread of its own, for the whole run.
class AttachedViewer {
public:
    explicit AttachedViewer(std::shared_ptr<trace::TraceRecorder> recorder)
        : path_("/tmp/pollscope-bench-" + std::to_string(::getpid()) + ".sock") {
        std::string error;
        server_ = trace::TraceServer::listen(std::move(recorder), path_, {}, &error);
        if (server_)
            client_ = trace::StreamClient::connect(path_, &error);
        if (!server_ || !client_)
            fail("--serve: " + error);
        thread_ = std::thread([this] {
            trace::TraceDelta d;
            while (!stop_.load(std::memory_order_acquire)) {
                client_->drain(d);
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        });
    }
    ~AttachedViewer() {
        stop_.store(true, std::memory_order_release);
        thread_.join();
        const auto received = client_->events();
        client_.reset();
        server_->finish();
        std::fprintf(stderr, "serve: %llu events streamed to the viewer\n",
                     static_cast<unsigned long long>(received));
    }
    AttachedViewer(const AttachedViewer&) = delete;
    AttachedViewer& operator=(const AttachedViewer&) = delete;

private:
    std::string path_;
    std::unique_ptr<trace::TraceServer> server_;
    std::unique_ptr<trace::StreamClient> client_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};
#endif

// ------------------------------------------------------ recorder workloads
/// One batch of hook calls, repeated; ns per event. yield_mix: a yielding
/// poll (start, yield, self-wake, end: two clock reads for four events), else
/// poll start/end pairs (a clock read per event).
double record_batch(Hooks* h, std::size_t events, std::uint64_t& task,
                    const std::source_location& site, bool yield_mix) {
    const auto start = SteadyClock::now();
    for (std::size_t i = 0; i < events; i += 4) {
        const TaskId id = ++task % 1000 + 1;
        h->on_poll_start(id);
        if (yield_mix) {
            h->on_yield(id);
            h->on_wake(id, id);
        } else {
            h->on_poll_end(id, PollResult::Pending, site, nullptr);
            h->on_poll_start(id);
        }
        h->on_poll_end(id, PollResult::Pending, site, nullptr);
    }
    return std::chrono::duration<double, std::nano>(SteadyClock::now() - start).count() /
           static_cast<double>(events);
}

double percentile_d(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

void run_record(std::size_t reps) {
    constexpr std::size_t kBatch = 10'000;
    const std::size_t batches = std::max<std::size_t>(reps, 1) * 400;
    const auto site = std::source_location::current();
    struct Source {
        const char* name;
        trace::TimeSource time;
    };
    const std::vector<Source> sources = {
        {"steady", {}},
        {"real_clock", trace::TraceRecorder::clock_time(Clock::make_real())},
        {"virtual_clock", trace::TraceRecorder::clock_time(Clock::make_virtual())},
    };
    std::printf("runtime,workload,batches,events_per_batch,median_ns,p10_ns,p90_ns\n");
    for (const auto& src : sources)
        for (const bool yield_mix : {false, true}) {
            trace::RecorderOptions ro;
            ro.ring_capacity = std::size_t(1) << 20; // bounded: memory stays warm and small
            ro.time = src.time;
            trace::TraceRecorder rec(ro);
            Hooks* h = &rec;
            std::uint64_t task = 0;
            for (int i = 0; i < 50; ++i) // warm-up: chunks allocated, caches filled
                record_batch(h, kBatch, task, site, yield_mix);
            std::vector<double> per;
            per.reserve(batches);
            for (std::size_t b = 0; b < batches; ++b)
                per.push_back(record_batch(h, kBatch, task, site, yield_mix));
            std::printf("recorder,record_%s_%s,%zu,%zu,%.1f,%.1f,%.1f\n", src.name,
                        yield_mix ? "yield_poll" : "poll_pairs", batches, kBatch,
                        percentile_d(per, 50), percentile_d(per, 10), percentile_d(per, 90));
            std::fflush(stdout);
        }
}

void run_export(std::size_t n, std::size_t reps) {
    const trace::Trace t = trace::make_synthetic_trace(n);
    std::printf("runtime,workload,reps,events,median_s,min_s\n");
    auto report = [&](const char* step, std::vector<double> secs) {
        const double lo = *std::min_element(secs.begin(), secs.end());
        std::printf("recorder,export_%s,%zu,%zu,%.3f,%.3f\n", step, secs.size(), t.events.size(),
                    median(secs), lo);
        std::fflush(stdout);
    };
    std::vector<double> mem;
    std::size_t bytes = 0;
    for (std::size_t r = 0; r < reps; ++r) {
        const auto start = SteadyClock::now();
        const std::string json = trace::to_chrome_json(t);
        mem.push_back(since(start));
        bytes = json.size();
    }
    report("chrome_json_in_memory", mem);
    std::fprintf(stderr, "# export: %zu events, %.1f MB of Chrome JSON\n", t.events.size(),
                 static_cast<double>(bytes) / 1e6);
#ifdef POLLSCOPE_BENCH_HAVE_TRACE_IO
    const QString path = QDir::temp().filePath(QStringLiteral("pollscope-bench-export.json"));
    std::vector<double> save, load;
    for (std::size_t r = 0; r < reps; ++r) {
        QString error;
        auto start = SteadyClock::now();
        if (!trace::save_trace(path, t, {}, &error))
            fail("export: save_trace: " + error.toStdString());
        save.push_back(since(start));
        start = SteadyClock::now();
        auto back = trace::load_trace(path, &error);
        load.push_back(since(start));
        if (!back)
            fail("export: load_trace: " + error.toStdString());
        if (!(*back == t))
            fail("export: the re-opened trace differs from the exported one");
    }
    QFile::remove(path);
    report("save_chrome_json_file", save);
    report("reopen_file", load);
#else
    std::fprintf(stderr, "# export: built without pollscope_trace_io: no file save/re-open\n");
#endif
}

void run_stats(std::size_t n, std::size_t reps) {
    const trace::Trace t = trace::make_synthetic_trace(n);
    std::printf("runtime,workload,reps,events,tasks,median_ms,max_ms\n");
    auto report = [](const char* step, std::size_t events, std::size_t tasks,
                     std::vector<double> ms) {
        std::printf("recorder,stats_%s,%zu,%zu,%zu,%.2f,%.2f\n", step, ms.size(), events, tasks,
                    median(ms), *std::max_element(ms.begin(), ms.end()));
        std::fflush(stdout);
    };
    auto ms_since = [](SteadyClock::time_point start) { return since(start) * 1e3; };

    std::vector<double> whole;
    std::size_t tasks = 0;
    for (std::size_t r = 0; r < reps; ++r) {
        const auto start = SteadyClock::now();
        tasks = trace::compute_stats(t).tasks.size();
        whole.push_back(ms_since(start));
    }
    report("compute_stats_whole", t.events.size(), tasks, whole);

    // As the GUI would: one add() per drained batch, then a snapshot.
    constexpr std::size_t kBatch = 10'000;
    std::vector<double> per_million, longest_batch, snapshot;
    trace::TraceStats last;
    for (std::size_t r = 0; r < reps; ++r) {
        trace::TimelineModel model; // grown as the feed grows it (not timed)
        model.merge_tables(t);
        trace::StatsAccumulator acc;
        double total = 0, longest = 0;
        const std::span<const trace::Event> all(t.events);
        for (std::size_t from = 0; from < all.size(); from += kBatch) {
            const auto batch = all.subspan(from, std::min(kBatch, all.size() - from));
            model.append({batch.begin(), batch.end()});
            const auto start = SteadyClock::now();
            acc.add(model, batch);
            const double ms = ms_since(start);
            total += ms;
            longest = std::max(longest, ms);
        }
        per_million.push_back(total * 1e6 / static_cast<double>(t.events.size()));
        longest_batch.push_back(longest);
        const auto start = SteadyClock::now();
        last = acc.snapshot();
        snapshot.push_back(ms_since(start));
    }
    if (!(last == trace::compute_stats(t)))
        fail("stats: the accumulator's snapshot differs from compute_stats");
    report("add_per_1m_events", 1'000'000, tasks, per_million);
    report("add_longest_10k_batch", kBatch, tasks, longest_batch);
    report("snapshot_after_all", t.events.size(), last.tasks.size(), snapshot);

    // snapshot() alone on 10,000 tasks (all alive: the synthetic trace spawns
    // them first), whatever the number of events behind them.
    const trace::Trace ten_k = trace::make_synthetic_trace(200'000, 10'000);
    trace::TimelineModel ten_k_model;
    ten_k_model.load(ten_k);
    trace::StatsAccumulator acc;
    acc.add(ten_k_model, ten_k_model.trace().events);
    std::vector<double> snap10k;
    for (std::size_t r = 0; r < std::max<std::size_t>(reps, 5); ++r) {
        const auto start = SteadyClock::now();
        last = acc.snapshot();
        snap10k.push_back(ms_since(start));
    }
    report("snapshot_10k_tasks", ten_k.events.size(), last.tasks.size(), snap10k);
}

void run_rewind(std::size_t n, std::size_t reps) {
    const trace::Trace t = trace::make_synthetic_trace(n);
    trace::TimelineModel model;
    model.load(t);
    const std::size_t tasks = model.task_lanes().size();
    std::printf("runtime,workload,reps,events,tasks,median_ms,max_ms\n");
    auto report = [&](const char* step, std::vector<double> ms) {
        std::printf("recorder,rewind_%s,%zu,%zu,%zu,%.4f,%.4f\n", step, ms.size(), t.events.size(),
                    tasks, median(ms), *std::max_element(ms.begin(), ms.end()));
        std::fflush(stdout);
    };
    auto ms_since = [](SteadyClock::time_point start) { return since(start) * 1e3; };
    std::vector<double> build;
    std::unique_ptr<trace::StateAtStep> at;
    for (std::size_t r = 0; r < reps; ++r) {
        const auto start = SteadyClock::now();
        at = std::make_unique<trace::StateAtStep>(model);
        build.push_back(ms_since(start));
    }
    report("index_build", build);
    // A step back at 1,000 cursors spread over the trace.
    std::vector<double> step, jump;
    std::uint64_t seen = 0; // keeps the work observable
    for (std::size_t k = 1; k <= 1000; ++k) {
        const std::size_t c = at->snap(at->events() * k / 1001);
        const auto start = SteadyClock::now();
        const std::size_t b = at->previous(c);
        for (const auto task : at->tasks_between(b, c))
            seen += at->task_at(task, b).polls;
        step.push_back(ms_since(start));
    }
    report("step_back", step);
    for (std::size_t r = 0; r < reps; ++r) {
        const std::size_t c = at->snap(at->events() * (r + 1) / (reps + 1));
        const auto start = SteadyClock::now();
        for (const auto& lane : model.task_lanes())
            seen += at->task_at(lane.key, c).polls;
        jump.push_back(ms_since(start));
    }
    report("jump_all_tasks", jump);
    if (seen == 0)
        fail("rewind: no task had polled at any cursor");
}
#endif

void usage() {
    std::printf("usage: pollscope-bench [--threads K] [--reps R] [--workload NAME | --workloads "
                "a,b,...] [--n N] [--trace]  (env BENCH_REPS, BENCH_VERBOSE)\n");
}

} // namespace

int main(int argc, char** argv) {
    std::size_t threads = 2;
    std::size_t reps = 5;
    if (const char* e = std::getenv("BENCH_REPS"); e && *e)
        reps = parse_count(e, "BENCH_REPS");
    const bool verbose = std::getenv("BENCH_VERBOSE") != nullptr;
    std::optional<std::vector<std::string>> only;
    std::optional<std::size_t> n_override;
    bool trace = false;
    bool serve = false; // with --trace: a viewer attached over the socket throughout

    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto val = [&]() -> const std::string& {
            if (i + 1 >= args.size())
                fail(a + " needs a value");
            return args[++i];
        };
        if (a == "--threads") {
            threads = parse_count(val(), "--threads");
        } else if (a == "--reps") {
            reps = parse_count(val(), "--reps");
        } else if (a == "--workload" || a == "--workloads") {
            std::istringstream in(val());
            std::vector<std::string> list = only.value_or(std::vector<std::string>{});
            for (std::string item; std::getline(in, item, ',');)
                if (!item.empty())
                    list.push_back(item);
            only = std::move(list);
        } else if (a == "--n") {
            n_override = parse_count(val(), "--n");
        } else if (a == "--trace") {
            trace = true;
        } else if (a == "--serve") {
            serve = true;
        } else if (a == "-h" || a == "--help") {
            usage();
            return 0;
        } else {
            fail("unknown argument " + a);
        }
    }
    if (threads == 0 || reps == 0)
        fail("--threads and --reps must be >= 1");
    if (n_override && *n_override == 0)
        fail("--n must be >= 1");
    bool run_record_wl = false, run_export_wl = false, run_stats_wl = false, run_rewind_wl = false;
    if (only) {
        for (const auto& w : *only) {
            if (std::find(kRecorderWorkloads.begin(), kRecorderWorkloads.end(), w) !=
                kRecorderWorkloads.end()) {
#ifndef POLLSCOPE_BENCH_HAVE_TRACE
                fail(w + ": built without pollscope_trace (configure with POLLSCOPE_BUILD_APP=ON)");
#endif
                (w == "record"   ? run_record_wl
                 : w == "export" ? run_export_wl
                 : w == "stats"  ? run_stats_wl
                                 : run_rewind_wl) = true;
                continue;
            }
            if (std::find(kWorkloads.begin(), kWorkloads.end(), w) == kWorkloads.end())
                fail("unknown workload " + w);
        }
    }
#ifdef POLLSCOPE_BENCH_HAVE_TRACE
    if (run_record_wl)
        run_record(reps);
    if (run_export_wl)
        run_export(n_override.value_or(1'000'000), reps);
    if (run_stats_wl)
        run_stats(n_override.value_or(5'000'000), reps);
    if (run_rewind_wl)
        run_rewind(n_override.value_or(10'000'000), reps);
    if ((run_record_wl || run_export_wl || run_stats_wl || run_rewind_wl) &&
        std::none_of(only->begin(), only->end(), [](const std::string& w) {
            return std::find(kWorkloads.begin(), kWorkloads.end(), w) != kWorkloads.end();
        }))
        return 0;
#endif

    RuntimeOptions options;
    options.workers = static_cast<int>(threads);
    options.thread_name = "bench-wrk";
#ifdef POLLSCOPE_BENCH_HAVE_TRACE
    std::shared_ptr<trace::TraceRecorder> recorder;
    std::unique_ptr<AttachedViewer> viewer;
    if (serve && !trace)
        fail("--serve needs --trace");
    if (trace) {
        // Bounded (the live view's mode): a run records hundreds of millions
        // of events; the ring recycles chunks instead of holding gigabytes.
        trace::RecorderOptions ro;
        ro.ring_capacity = std::size_t(1) << 22; // ~4M events, ~100 MB
        recorder = std::make_shared<trace::TraceRecorder>(ro);
        options.hooks = recorder.get();
        g_runtime_name = "pollscope+trace";
        if (serve) {
            viewer = std::make_unique<AttachedViewer>(recorder);
            g_runtime_name = "pollscope+trace+serve";
        }
    }
#else
    if (trace || serve)
        fail("--trace: built without pollscope_trace (configure with POLLSCOPE_BUILD_APP=ON)");
#endif

    Runtime rt(options);

    std::printf("runtime,workload,threads,n,seconds,rate_per_s\n");
    std::fflush(stdout);
    for (auto w : kWorkloads) {
        if (only && std::find(only->begin(), only->end(), w) == only->end())
            continue;
        const std::size_t n = n_override.value_or(default_n(w));
        std::vector<double> secs;
        std::vector<std::int64_t> late_all;
#ifdef POLLSCOPE_BENCH_HAVE_TRACE
        std::uint64_t events_before = recorder ? recorder->recorded() : 0;
        std::uint64_t bytes_before = recorder ? recorder->recorded_bytes() : 0;
        std::uint64_t events_warmup = 0, bytes_warmup = 0;
        double polls_per_event = 0;
#endif
        for (std::size_t rep = 0; rep <= reps; ++rep) {
            RepResult res;
            try {
                res = rt.block_on(run_one(w, n), "bench-root");
            } catch (const std::exception& e) {
                fail(std::string(w) + ": root task failed: " + e.what());
            }
            if (!res.error.empty())
                fail(res.error);
            if (verbose)
                std::fprintf(stderr, "%s %s rep %zu: %.6f s%s\n", g_runtime_name.c_str(),
                             std::string(w).c_str(), rep, res.seconds,
                             rep == 0 ? " (warm-up)" : "");
            if (rep == 0) {
#ifdef POLLSCOPE_BENCH_HAVE_TRACE
                if (recorder) {
                    events_warmup = recorder->recorded() - events_before;
                    bytes_warmup = recorder->recorded_bytes() - bytes_before;
                    // The share of polls among the events, from what the ring
                    // holds (outside the measured part).
                    const trace::Trace t = recorder->snapshot();
                    const auto polls =
                        std::count_if(t.events.begin(), t.events.end(), [](const trace::Event& e) {
                            return e.kind == trace::EventKind::PollStart;
                        });
                    if (!t.events.empty())
                        polls_per_event = double(polls) / double(t.events.size());
                }
#endif
                continue; // warm-up
            }
            secs.push_back(res.seconds);
            late_all.insert(late_all.end(), res.late_us.begin(), res.late_us.end());
        }
        const double s = median(secs);
        std::printf("%s,%s,%zu,%zu,%.6f,%.0f\n", g_runtime_name.c_str(), std::string(w).c_str(),
                    threads, n, s, static_cast<double>(n) / s);
        if (w == "timers") {
            std::sort(late_all.begin(), late_all.end());
            std::printf("%s,timers_late_us,%zu,%zu,%lld,%lld\n", g_runtime_name.c_str(), threads, n,
                        static_cast<long long>(percentile(late_all, 50.0)),
                        static_cast<long long>(percentile(late_all, 99.0)));
        }
        std::fflush(stdout);
#ifdef POLLSCOPE_BENCH_HAVE_TRACE
        if (recorder) {
            // Events of one repetition (the warm-up's count; recorded() lags by
            // the chunks still being filled, so this is a slight undercount).
            const double polls = polls_per_event * static_cast<double>(events_warmup);
            std::fprintf(stderr,
                         "# %s,%s,events_per_rep,%llu,ns_per_event_at_median,%.1f,"
                         "bytes_per_event,%.1f,polls_per_rep,%.0f,ns_per_poll_at_median,%.1f\n",
                         g_runtime_name.c_str(), std::string(w).c_str(),
                         static_cast<unsigned long long>(events_warmup),
                         events_warmup ? s * 1e9 / static_cast<double>(events_warmup) : 0.0,
                         events_warmup ? static_cast<double>(bytes_warmup) /
                                             static_cast<double>(events_warmup)
                                       : 0.0,
                         polls, polls > 0 ? s * 1e9 / polls : 0.0);
        }
#endif
    }
    return 0;
}
