// pollscope-gui-bench: the timeline's numbers (issue 4, "Numbers").
//
//   (a) paint: a synthetic trace of --events N (10,000,000) events in a
//       TimelineView of 1600x900, rendered into a QImage (QWidget::render)
//       across a sweep of zooms (fit, 1/10, 1/100, ... down to ~0.1 us per
//       pixel) with pans at each zoom, in both lane modes. One CSV line per
//       zoom: min / median / p99 / max milliseconds per frame.
//   (b) live: a Runtime (2 workers) runs 200 tasks yielding in a loop, paced
//       to --rate events per second (1,000,000) through a TraceRecorder,
//       while the window shows it the way MainWindow does: a TimelineFeed
//       builds the model on its own thread (the GUI thread reads it under
//       GuiReadLock); a 25 ms QTimer refreshes the event log, the timeline
//       follows live and repaints, the task statistics come from LiveStats
//       (every slice accumulated and a snapshot every 250 ms, off the GUI
//       thread). A 1 ms timer measures the GUI thread's longest stall;
//       paint events of the timeline count the refreshes per second.
//       --load adds one spinning thread per core for the whole run.
//   (c) open: MainWindow opens --open FILE (save one with --save) as the
//       person's Open does: seconds until the timeline has painted its first
//       frame of the file, and until the task table has its statistics.
//       --tree: with the task table as a tree and the lanes grouped by
//       parent, then each switch flipped off and on again (milliseconds the
//       GUI thread spends on it). --save --tree gives the synthetic trace a
//       spawn tree (spawn k's parent is the (k/4)th spawned task).
//
// Usage: pollscope-gui-bench [--events N] [--rate R] [--seconds S]
//                            [--only paint|live] [--no-stats] [--load]
//        pollscope-gui-bench --open FILE.json [--load]
//        pollscope-gui-bench --open FILE.json [--tree]
//        pollscope-gui-bench --save FILE.json [--events N] [--tree]  (a synthetic trace
//        for `pollscope FILE.json`)
// Offscreen works: QT_QPA_PLATFORM=offscreen (the default when DISPLAY is unset).

#include "event_log_model.h"
#include "example_runner.h"
#include "gui_read_lock.h"
#include "lane_order.h"
#include "live_stats.h"
#include "main_window.h"
#include "recorder.h"
#include "runtime.h"
#include "stats.h"
#include "synthetic.h"
#include "task.h"
#include "task_table_model.h"
#include "timeline_feed.h"
#include "timeline_view.h"
#include "trace_file.h"
#include "trace_store.h"
#include "yield_now.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QImage>
#include <QPainter>
#include <QSplitter>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

using namespace pollscope;
using namespace pollscope::app;

namespace {

struct Options {
    std::size_t events = 10'000'000;
    double rate = 1'000'000;
    double seconds = 5;
    std::string only;
    bool stats = true;
    bool load = false; // one busy thread per core beside the run (busy cores)
    QString save;
    QString open;      // (c): the file MainWindow opens
    bool tree = false; // (c) with the task tree and grouped lanes; --save: with parents
};

/// --save --tree: spawn k's parent is the (k/4)th spawned task, a wide tree
/// a few levels deep. Sizes the task tree and the grouped lanes; the
/// synthetic parents are not causal (the parent may be idle at the time).
void add_spawn_tree(trace::Trace& t) {
    std::vector<std::uint32_t> spawned;
    for (auto& e : t.events)
        if (e.kind == trace::EventKind::Spawn) {
            e.arg = spawned.size() >= 4 ? spawned[spawned.size() / 4] : 0;
            spawned.push_back(e.task);
        }
}

/// Keeps every core busy (one spinning thread each) while it lives: the
/// machine of a person profiling real code.
class CpuLoad {
public:
    explicit CpuLoad(bool on) {
        if (!on)
            return;
        const unsigned n = std::max(1u, std::thread::hardware_concurrency());
        for (unsigned i = 0; i < n; ++i)
            threads_.emplace_back([this] {
                volatile std::uint64_t x = 0;
                while (!stop_.load(std::memory_order_relaxed))
                    for (int k = 0; k < 10000; ++k)
                        x = x + 1;
            });
    }
    ~CpuLoad() {
        stop_ = true;
        for (auto& t : threads_)
            t.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

/// CPU time of this thread (ms): frame costs without the preemption a busy
/// machine adds to wall time.
double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

/// The calling thread's time waiting for a CPU while runnable (ns), from
/// /proc/thread-self/schedstat (second field); -1 where the kernel has none.
std::int64_t thread_runqueue_wait_ns(int fd) {
    char buf[128];
    const ssize_t n = fd >= 0 ? pread(fd, buf, sizeof buf - 1, 0) : -1;
    if (n <= 0)
        return -1;
    buf[n] = 0;
    unsigned long long run = 0, wait = 0;
    return std::sscanf(buf, "%llu %llu", &run, &wait) == 2 ? std::int64_t(wait) : -1;
}

double load_average() {
    double l[1] = {0};
    return getloadavg(l, 1) == 1 ? l[0] : -1;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const double idx = p / 100.0 * double(v.size() - 1);
    const auto lo = std::size_t(std::floor(idx));
    const auto hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (idx - double(lo));
}

// ------------------------------------------------------------------- paint
void bench_paint(const Options& o) {
    QElapsedTimer t;
    t.start();
    TraceStore store;
    store.load(trace::make_synthetic_trace(o.events, 2000, 8));
    std::size_t lod_buckets = 0;
    for (const auto& l : store.thread_lanes())
        lod_buckets += l.lod.bucket_count();
    for (const auto& l : store.task_lanes())
        lod_buckets += l.lod.bucket_count();
    std::fprintf(stderr,
                 "# %zu events, %zu polls, %zu task lanes, %zu thread lanes, %zu LOD buckets "
                 "(%.0f MB), built and indexed in %.2f s\n",
                 store.trace().events.size(), store.polls().size(), store.task_lanes().size(),
                 store.thread_lanes().size(), lod_buckets,
                 double(lod_buckets * sizeof(LodBucket)) / 1e6, double(t.elapsed()) / 1e3);

    TimelineView view;
    view.resize(1600, 900);
    view.set_store(&store);
    view.show();
    QApplication::processEvents();
    QImage img(view.size(), QImage::Format_RGB32);
    const std::int64_t whole = store.end_ts() - store.start_ts();

    std::printf("mode,zoom,ns_per_px,frames,min_ms,median_ms,p99_ms,max_ms,cpu_median_ms,"
                "cpu_p99_ms,cpu_max_ms,max_rects\n");
    double worst = 0, worst_cpu = 0;
    for (auto mode : {TimelineView::LaneMode::Workers, TimelineView::LaneMode::Tasks}) {
        view.set_lane_mode(mode);
        view.fit();
        const auto fit = view.mapping();
        // In task mode the lanes alive in the middle of the trace are shown.
        for (int z = 0; z <= 7; ++z) {
            const double div = std::pow(10.0, z);
            const auto span = std::max<std::int64_t>(std::int64_t(double(fit.span()) / div), 100);
            const double npp = double(span) / fit.width;
            if (z > 0 && npp < 0.1)
                break;
            std::vector<double> ms, cpu;
            int max_rects = 0;
            // Ten places across the trace, at each a pan of 6 frames (40 px
            // each), and a scroll through lanes in task mode.
            for (int place = 0; place < 10; ++place) {
                std::int64_t start =
                    z == 0 ? fit.start : store.start_ts() + (whole - span) * place / 9;
                for (int f = 0; f < 6; ++f) {
                    view.set_mapping_range(start, start + span);
                    QPainter p(&img);
                    QElapsedTimer ft;
                    const double c0 = thread_cpu_ms();
                    ft.start();
                    view.render(&p);
                    ms.push_back(double(ft.nsecsElapsed()) / 1e6);
                    cpu.push_back(thread_cpu_ms() - c0);
                    max_rects = std::max(max_rects, view.last_rect_count());
                    start += std::int64_t(40 * npp);
                }
            }
            const char* zoom_names[] = {"fit",     "1/10",     "1/100",     "1/1000",
                                        "1/10000", "1/100000", "1/1000000", "1/10000000"};
            std::printf("%s,%s,%.1f,%zu,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%d\n",
                        mode == TimelineView::LaneMode::Workers ? "workers" : "tasks",
                        zoom_names[z], npp, ms.size(), percentile(ms, 0), percentile(ms, 50),
                        percentile(ms, 99), percentile(ms, 100), percentile(cpu, 50),
                        percentile(cpu, 99), percentile(cpu, 100), max_rects);
            std::fflush(stdout);
            worst = std::max(worst, percentile(ms, 100));
            worst_cpu = std::max(worst_cpu, percentile(cpu, 100));
        }
    }
    std::printf("paint_worst_frame_ms,%.2f\npaint_worst_frame_cpu_ms,%.2f\n", worst, worst_cpu);
    if (const char* path = std::getenv("GUI_BENCH_PNG")) {
        view.set_lane_mode(TimelineView::LaneMode::Workers);
        view.fit();
        view.grab().save(QString::fromUtf8(path));
    }
}

// -------------------------------------------------------------------- live
/// Paces the workers to `rate` events per second (4 events per yield:
/// PollStart, Yield, Wake, PollEnd): a yield that is ahead of the schedule
/// sleeps its worker a little first.
struct Pace {
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> yields{0};
    double yields_per_ns = 0;
    std::chrono::steady_clock::time_point start;
    void wait_turn() {
        const auto n = yields.fetch_add(1, std::memory_order_relaxed);
        for (;;) {
            const double due = double(n) / yields_per_ns; // ns since start when yield n may happen
            const double now = double(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now() - start)
                                          .count());
            if (now >= due || stop.load(std::memory_order_relaxed))
                return;
            std::this_thread::sleep_for(
                std::chrono::nanoseconds(std::min<std::int64_t>(std::int64_t(due - now), 200'000)));
        }
    }
};

Task<void> yielder(std::shared_ptr<Pace> pace) {
    while (!pace->stop.load(std::memory_order_relaxed)) {
        pace->wait_turn();
        co_await yield_now();
    }
}

class StallProbe : public QObject {
public:
    explicit StallProbe(QObject* parent)
        : QObject(parent) {
        timer_.setTimerType(Qt::PreciseTimer);
        timer_.setInterval(1);
        // Opened on the GUI thread, which the probe's timer runs on.
        schedstat_ = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
        connect(&timer_, &QTimer::timeout, this, [this] {
            const auto ns = clock_.nsecsElapsed();
            const auto wait = thread_runqueue_wait_ns(schedstat_);
            const auto cpu = thread_cpu_ms();
            if (last_ns_ > 0 && double(ns - last_ns_) / 1e6 > max_gap_ms_) {
                max_gap_ms_ = double(ns - last_ns_) / 1e6;
                // Of the longest gap: how long the thread waited for a CPU
                // while runnable, and how long it ran.
                max_gap_runqueue_ms_ = wait >= 0 ? double(wait - last_wait_) / 1e6 : -1;
                max_gap_cpu_ms_ = cpu - last_cpu_;
            }
            gaps_.push_back(double(ns - last_ns_) / 1e6);
            last_ns_ = ns;
            last_wait_ = wait;
            last_cpu_ = cpu;
        });
        clock_.start();
        timer_.start();
    }
    ~StallProbe() override {
        if (schedstat_ >= 0)
            ::close(schedstat_);
    }
    double max_gap_ms() const { return max_gap_ms_; }
    double max_gap_runqueue_ms() const { return max_gap_runqueue_ms_; }
    double max_gap_cpu_ms() const { return max_gap_cpu_ms_; }
    const std::vector<double>& gaps() const { return gaps_; }

private:
    int schedstat_ = -1;
    std::int64_t last_wait_ = 0;
    double last_cpu_ = 0, max_gap_runqueue_ms_ = 0, max_gap_cpu_ms_ = 0;
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ns_ = 0;
    double max_gap_ms_ = 0;
    std::vector<double> gaps_;
};

class PaintCounter : public QObject {
public:
    int paints = 0;
    bool eventFilter(QObject* o, QEvent* e) override {
        if (e->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(o, e);
    }
};

void bench_live(const Options& o) {
    // What MainWindow holds: the store, the timeline, the event log and the
    // task table, in one window.
    TraceStore store;
    GuiReadLock read_lock(store.mutex()); // as MainWindow: reads while awake
    QWidget window;
    window.resize(1600, 900);
    auto* split = new QSplitter(Qt::Vertical, &window);
    auto* layout = new QHBoxLayout(&window);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    auto* timeline = new TimelineView(split);
    auto* log_model = new EventLogModel(&store, &window);
    auto* task_model = new TaskTableModel(&window);
    auto* log_view = new QTableView(split);
    log_view->setModel(log_model);
    auto* task_view = new QTableView(split);
    task_view->setModel(task_model);
    split->setSizes({520, 190, 190});
    timeline->set_store(&store);
    timeline->set_follow_live(true);
    window.show();
    PaintCounter counter;
    timeline->installEventFilter(&counter);

    // The recorder's steady clock starts at its construction (as in ExampleRunner).
    const auto origin = std::chrono::steady_clock::now();
    auto now_ns = [origin] {
        return std::int64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now() - origin)
                                .count());
    };
    auto recorder_owner = std::make_shared<trace::TraceRecorder>();
    trace::TraceRecorder& recorder = *recorder_owner;
    RuntimeOptions ro;
    ro.workers = 2;
    ro.hooks = &recorder;
    ro.thread_name = "gui-bench-wrk";
    auto pace = std::make_shared<Pace>();
    pace->yields_per_ns = o.rate / 4.0 / 1e9;

    // The tick: MainWindow::on_tick (the feed builds the model on its thread).
    double ingest_max_ms = 0, stats_max_ms = 0, paint_max_ms = 0;
    double log_max_ms = 0, timeline_max_ms = 0; // the tick's two parts
    std::vector<double> ingest_ms, ingest_cpu_ms;
    int ticks = 0, snapshots = 0;
    double snapshot_max_ms = 0;
    std::uint64_t applied_seen = 0;
    std::size_t max_backlog = 0;
    LiveStats live_stats; // MainWindow's: accumulates and snapshots off this thread
    TimelineFeed feed(store, o.stats ? &live_stats : nullptr);
    QElapsedTimer stats_clock;
    QTimer tick;
    tick.setInterval(TimelineView::kLiveRefreshMs); // as MainWindow's
    QObject::connect(&tick, &QTimer::timeout, [&] {
        QElapsedTimer t;
        t.start();
        const double c0 = thread_cpu_ms();
        // MainWindow::show_fed: show what the feed applied.
        const auto applied = feed.applied();
        // Drained but not applied yet (TraceRecorder::recorded() would wait
        // for a drain's copy under the recorder's lock: a stall of the bench's own).
        max_backlog = std::max<std::size_t>(max_backlog, feed.drained() - applied);
        if (applied != applied_seen) {
            applied_seen = applied;
            QElapsedTimer part;
            part.start();
            log_model->refresh();
            log_max_ms = std::max(log_max_ms, double(part.nsecsElapsed()) / 1e6);
            part.restart();
            // MainWindow::follow_now: waiting tasks reach the present, and the
            // view knows the run is live (what it recomputes how often).
            timeline->set_live_now(now_ns());
            timeline->store_changed();
            timeline_max_ms = std::max(timeline_max_ms, double(part.nsecsElapsed()) / 1e6);
        }
        const double ms = double(t.nsecsElapsed()) / 1e6;
        ingest_ms.push_back(ms);
        ingest_cpu_ms.push_back(thread_cpu_ms() - c0);
        ingest_max_ms = std::max(ingest_max_ms, ms);
        // MainWindow::on_tick: show a finished snapshot, ask for the next
        // one (observed up to now) at most every 250 ms.
        if (o.stats) {
            QElapsedTimer st;
            st.start();
            if (auto s = live_stats.take()) {
                task_model->set_stats(std::move(*s), &store);
                ++snapshots;
            }
            if (!live_stats.pending() && (!stats_clock.isValid() || stats_clock.elapsed() >= 250)) {
                stats_clock.start();
                live_stats.request(std::max(now_ns(), store.end_ts()));
            }
            stats_max_ms = std::max(stats_max_ms, double(st.nsecsElapsed()) / 1e6);
            snapshot_max_ms = std::max(snapshot_max_ms, live_stats.last_snapshot_ms());
        }
        ++ticks;
        paint_max_ms = std::max(paint_max_ms, timeline->last_paint_ms());
    });

    Runtime rt(ro);
    auto root = [](std::shared_ptr<Pace> p) -> Task<void> {
        std::vector<JoinHandle<void>> hs;
        for (int i = 0; i < 200; ++i)
            hs.push_back(spawn(yielder(p), "yielder"));
        for (auto& h : hs)
            co_await h;
    };
    pace->start = std::chrono::steady_clock::now();
    auto handle = rt.spawn(root(pace), "root");

    feed.start(recorder_owner);
    tick.start();
    // Warm-up half a second, then measure.
    {
        QEventLoop warm; // a real loop: the feed writes while it blocks
        QTimer::singleShot(500, &warm, &QEventLoop::quit);
        warm.exec();
    }
    const auto events0 = recorder.recorded();
    const int paints0 = counter.paints;
    auto* probe = new StallProbe(&window);
    ingest_max_ms = stats_max_ms = paint_max_ms = snapshot_max_ms = 0;
    log_max_ms = timeline_max_ms = 0;
    max_backlog = 0;
    const int snapshots0 = snapshots;
    ingest_ms.clear();
    ingest_cpu_ms.clear();
    QElapsedTimer measured;
    measured.start();
    const double cpu0 = thread_cpu_ms();
    QEventLoop loop;
    QTimer::singleShot(int(o.seconds * 1000), &loop, &QEventLoop::quit);
    loop.exec();
    const double secs = double(measured.nsecsElapsed()) / 1e9;
    const double gui_cpu_ms = thread_cpu_ms() - cpu0;
    const auto events1 = recorder.recorded();
    const auto applied1 = feed.applied();
    const int paints = counter.paints - paints0;
    pace->stop = true;
    tick.stop();
    {
        GuiReadLock::Unlocked unlocked(read_lock);
        feed.stop();
    }
    handle.get();
    rt.shutdown();

    const double rate = double(events1 - events0) / secs;
    std::printf("metric,value\n");
    std::printf("seconds,%.2f\n", secs);
    std::printf("events_recorded_per_s,%.0f\n", rate);
    std::printf("events_in_store,%zu\n", store.trace().events.size());
    std::printf("gui_max_stall_ms,%.1f\n", probe->max_gap_ms());
    std::printf("gui_max_stall_runqueue_ms,%.1f\n", probe->max_gap_runqueue_ms());
    std::printf("gui_max_stall_cpu_ms,%.1f\n", probe->max_gap_cpu_ms());
    std::printf("gui_p99_stall_ms,%.1f\n", percentile(probe->gaps(), 99));
    std::printf("timeline_refreshes_per_s,%.1f\n", double(paints) / secs);
    std::printf("ingest_tick_median_ms,%.2f\n", percentile(ingest_ms, 50));
    std::printf("ingest_tick_max_ms,%.2f\n", ingest_max_ms);
    std::printf("ingest_log_refresh_max_ms,%.2f\n", log_max_ms);
    std::printf("ingest_timeline_update_max_ms,%.2f\n", timeline_max_ms);
    std::printf("ingest_tick_cpu_median_ms,%.2f\n", percentile(ingest_cpu_ms, 50));
    std::printf("ingest_tick_cpu_max_ms,%.2f\n", percentile(ingest_cpu_ms, 100));
    std::printf("feed_behind_max_events,%zu\n", max_backlog);
    std::printf("feed_max_lock_hold_ms,%.2f\n", double(feed.max_hold_ns()) / 1e6);
    std::printf("feed_behind_at_end_events,%llu\n",
                static_cast<unsigned long long>(events1 - std::min(events1, applied1)));
    std::printf("gui_thread_cpu_busy_pct,%.0f\n", gui_cpu_ms / (secs * 10.0));
    std::printf("machine_load_avg_1min,%.1f\n", load_average());
    std::printf("timeline_paint_max_ms,%.2f\n", paint_max_ms);
    std::printf("stats_gui_max_ms,%.2f\n", stats_max_ms);
    std::printf("stats_snapshot_max_ms,%.2f\n", snapshot_max_ms);
    std::printf("stats_snapshots_per_s,%.1f\n", double(snapshots - snapshots0) / secs);
    std::fflush(stdout);
}

// -------------------------------------------------------------------- open
int bench_open(const Options& o) {
    MainWindow w;
    w.set_quiet_errors(true);
    w.resize(1600, 1000);
    w.show();
    QApplication::processEvents();
    TimelineView* timeline = w.timeline();
    QElapsedTimer t;
    double first_frame_s = -1, stats_s = -1;
    QString error;
    QEventLoop loop;
    QObject::connect(&w, &MainWindow::error_reported, [&](const QString&, const QString& m) {
        error = m;
        loop.quit();
    });
    QObject::connect(&w, &MainWindow::trace_opened, [&] {
        timeline->repaint(); // the first frame of the file, painted now
        first_frame_s = double(t.nsecsElapsed()) / 1e9;
    });
    QTimer poll; // the statistics arrive later, from their own worker thread
    poll.setInterval(5);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (first_frame_s >= 0 && w.task_model()->rowCount() > 0) {
            stats_s = double(t.nsecsElapsed()) / 1e9;
            loop.quit();
        }
    });
    if (o.tree) {
        w.task_tree_action()->setChecked(true);
        w.group_lanes_action()->setChecked(true);
    }
    StallProbe probe(&w); // the GUI thread's longest stall while it opens
    t.start();
    w.open_trace(o.open);
    poll.start();
    loop.exec();
    if (!error.isEmpty()) {
        std::fprintf(stderr, "cannot open: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("metric,value\nevents,%zu\nopen_first_frame_s,%.2f\nopen_stats_s,%.2f\n"
                "gui_max_stall_ms,%.1f\nmachine_load_avg_1min,%.1f\n",
                w.store().trace().events.size(), first_frame_s, stats_s, probe.max_gap_ms(),
                load_average());
    if (o.tree) {
        // Each switch off and on, until the window has painted it.
        const auto flip = [&](QAction* a, bool on) {
            QElapsedTimer k;
            k.start();
            a->setChecked(on);
            w.repaint();
            return double(k.nsecsElapsed()) / 1e6;
        };
        std::printf("tasks,%d\n", int(w.task_model()->stats().tasks.size()));
        std::printf("task_tree_off_ms,%.1f\n", flip(w.task_tree_action(), false));
        std::printf("task_tree_on_ms,%.1f\n", flip(w.task_tree_action(), true));
        std::printf("group_lanes_off_ms,%.1f\n", flip(w.group_lanes_action(), false));
        std::printf("group_lanes_on_ms,%.1f\n", flip(w.group_lanes_action(), true));
        // The grouped order itself (the flips above reuse it: same store).
        QElapsedTimer k;
        k.start();
        const auto order = trace::LaneOrder::by_parent(w.store());
        std::printf("lane_order_ms,%.1f\nlane_order_max_depth,%d\n", double(k.nsecsElapsed()) / 1e6,
                    order.depth.empty()
                        ? 0
                        : int(*std::max_element(order.depth.begin(), order.depth.end())));
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Options o;
    const QStringList args = QApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        const QString a = args[i];
        auto next = [&]() -> QString {
            if (i + 1 >= args.size()) {
                std::fprintf(stderr, "%s needs a value\n", qPrintable(a));
                std::exit(2);
            }
            return args[++i];
        };
        if (a == QLatin1String("--events"))
            o.events = std::size_t(next().toULongLong());
        else if (a == QLatin1String("--rate"))
            o.rate = next().toDouble();
        else if (a == QLatin1String("--seconds"))
            o.seconds = next().toDouble();
        else if (a == QLatin1String("--only"))
            o.only = next().toStdString();
        else if (a == QLatin1String("--no-stats"))
            o.stats = false;
        else if (a == QLatin1String("--load"))
            o.load = true;
        else if (a == QLatin1String("--save"))
            o.save = next();
        else if (a == QLatin1String("--open"))
            o.open = next();
        else if (a == QLatin1String("--tree"))
            o.tree = true;
        else {
            std::fprintf(stderr, "usage: pollscope-gui-bench [--events N] [--rate R] [--seconds S] "
                                 "[--only paint|live] [--no-stats] [--load] [--save FILE.json] "
                                 "[--open FILE.json] [--tree]\n");
            return 2;
        }
    }
    if (!o.save.isEmpty()) {
        QString error;
        auto synthetic = trace::make_synthetic_trace(o.events, 2000, 8);
        if (o.tree)
            add_spawn_tree(synthetic);
        if (!trace::save_trace(o.save, synthetic, {}, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        return 0;
    }
    CpuLoad load(o.load);
    if (!o.open.isEmpty())
        return bench_open(o);
    if (o.only.empty() || o.only == "paint")
        bench_paint(o);
    if (o.only.empty() || o.only == "live")
        bench_live(o);
    return 0;
}
