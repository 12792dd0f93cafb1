// The app's own small demonstrations, one per example id, written against the
// core. The examples registry (src/examples) replaces them when it exists.
// The code panel shows this file itself (a resource): each example lies
// between an "@example <id>" and an "@end" comment line.
#include "example_catalog.h"

#include "broadcast.h"
#include "join.h"
#include "mpsc.h"
#include "runtime.h"
#include "select.h"
#include "stream.h"
#include "time_driver.h"
#include "timer_future.h"
#include "yield_now.h"

#include <QFile>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace pollscope::app {
namespace {

using std::chrono::milliseconds;

/// Clears the run control when the example ends (before its runtime dies).
struct ControlGuard {
    RunControl* control;
    ~ControlGuard() {
        if (control)
            control->clear();
    }
};

/// Runs `main` on a fresh runtime with the setup's hooks and clock.
template <class F> std::string on_runtime(const RunSetup& s, int workers, F make_main) {
    Runtime rt({.workers = workers, .thread_name = "worker", .hooks = s.hooks, .clock = s.clock});
    ControlGuard guard{s.control};
    if (s.control)
        s.control->set_abort_handler([&rt] { rt.shutdown(); });
    try {
        return rt.block_on(make_main(rt), "main");
    } catch (const std::exception& e) {
        return std::string("stopped: ") + e.what();
    }
}

// @example timer-future
// A hand-written future: a thread sleeps, then wakes the task.
Task<std::string> timer_main(std::shared_ptr<Clock> clock, int ms, int times) {
    for (int i = 0; i < times; ++i) {
        co_await TimerFuture(milliseconds(ms), clock); // Pending until the thread wakes us
        mark("timer " + std::to_string(i + 1) + " fired");
    }
    co_return std::to_string(times) + " timers fired";
}
// @end

// @example executor
// Many tasks on one worker: each is polled, waits, is woken, polled again.
Task<int> executor_job(int ms) {
    co_await sleep(milliseconds(ms)); // Pending: the wake comes from the timer wheel
    co_return ms;
}
Task<std::string> executor_main(int tasks, int ms) {
    std::vector<JoinHandle<int>> handles;
    for (int i = 0; i < tasks; ++i)
        handles.push_back(spawn(executor_job(ms * (i + 1)), "job " + std::to_string(i + 1)));
    int total = 0;
    for (auto& h : handles)
        total += co_await h; // waits for each job in turn
    co_return "all jobs done, " + std::to_string(total) + " ms slept in total";
}
// @end

// @example local-set
// Tasks on a single thread share plain (non-atomic) data safely.
Task<void> local_counter(std::shared_ptr<int> counter, int rounds, int ms) {
    for (int i = 0; i < rounds; ++i) {
        ++*counter;
        co_await yield_now();             // let the other tasks on this thread run
        co_await sleep(milliseconds(ms)); // then wait a little
    }
}
Task<std::string> local_main(int tasks, int rounds, int ms) {
    auto counter = std::make_shared<int>(0);
    std::vector<JoinHandle<void>> handles;
    for (int i = 0; i < tasks; ++i)
        handles.push_back(
            spawn(local_counter(counter, rounds, ms), "counter " + std::to_string(i + 1)));
    for (auto& h : handles)
        co_await h;
    co_return "counter = " + std::to_string(*counter);
}
// @end

// @example join
// join: both futures run concurrently; it is Ready when both are.
Task<int> join_leg(int ms) {
    co_await sleep(milliseconds(ms)); // this leg waits here
    co_return ms;
}
Task<std::string> join_main(int a, int b) {
    auto left = spawn(join_leg(a), "left");
    auto right = spawn(join_leg(b), "right");
    auto [x, y] = co_await join(std::move(left), std::move(right)); // Pending until both end
    co_return "joined after " + std::to_string(std::max(x, y)) + " ms";
}
// @end

// @example select
// select: the first future to finish wins, the others are cancelled.
Task<int> select_racer(int ms) {
    co_await sleep(milliseconds(ms)); // racing here
    co_return ms;
}
Task<std::string> select_main(int a, int b) {
    auto fast = spawn(select_racer(a), "racer A");
    auto slow = spawn(select_racer(b), "racer B");
    auto r = co_await select(by_ref(fast), by_ref(slow)); // first Ready wins
    const char* winner = r.index == 0 ? "A" : "B";
    (r.index == 0 ? slow : fast).abort(); // cancel the loser
    mark(std::string("racer ") + winner + " won");
    co_return std::string("racer ") + winner + " won";
}
// @end

// @example spawn
// spawn: tasks run in parallel on the runtime's workers.
Task<int> spawn_worker(int id, int steps, int ms) {
    for (int i = 0; i < steps; ++i) {
        co_await sleep(milliseconds(ms * (1 + (id + i) % 3))); // waits on the timer
        co_await yield_now();                                  // gives the worker back
    }
    co_return id;
}
Task<std::string> spawn_main(int tasks, int steps, int ms) {
    std::vector<JoinHandle<int>> handles;
    for (int i = 0; i < tasks; ++i)
        handles.push_back(spawn(spawn_worker(i, steps, ms), "task " + std::to_string(i + 1)));
    for (auto& h : handles)
        co_await h;
    co_return std::to_string(tasks) + " tasks finished";
}
// @end

// @example stream
// A stream: values produced one at a time, on demand, by a coroutine.
Stream<int> ticks(int count, int ms) {
    for (int i = 1; i <= count; ++i) {
        co_await sleep(milliseconds(ms)); // the producer waits between values
        co_yield i;
    }
}
Task<std::string> stream_main(int count, int ms) {
    auto s = ticks(count, ms);
    int sum = 0;
    while (auto v = co_await s.next()) { // Pending until the next value
        sum += *v;
        mark("tick " + std::to_string(*v));
    }
    co_return "sum of ticks = " + std::to_string(sum);
}
// @end

// @example event-loop
// A non-blocking event loop: work and a broadcast shutdown, selected.
Task<int> event_loop(mpsc::Receiver<int> events, broadcast::Receiver<int> shutdown) {
    int handled = 0;
    for (;;) {
        auto r = co_await select(shutdown.recv(), events.recv()); // waits for either
        if (r.index == 0)
            break;
        if (!std::get<1>(r.value))
            co_return handled; // every sender gone
        ++handled;
        mark("event " + std::to_string(handled) + " received");
    }
    while (events.try_recv()) // graceful: finish what was already sent
        ++handled;
    co_return handled;
}
Task<void> producer(mpsc::Sender<int> tx, int n) {
    for (int i = 0; i < n; ++i)
        co_await tx.send(i); // waits while the channel is full
}
// @end

} // namespace

std::vector<ExampleInfo> builtin_examples() {
    std::vector<ExampleInfo> out;
    auto add = [&out](QString id, QString title, QString md) -> ExampleInfo& {
        ExampleInfo e;
        e.id = std::move(id);
        e.title = std::move(title);
        e.markdown = std::move(md);
        e.code_file = QStringLiteral("builtin_examples.cpp");
        out.push_back(std::move(e));
        return out.back();
    };
    const Knob workers{"workers", "Workers", 2, 1, 8, " workers"};

    auto& timer = add("timer-future", "1. A timer future",
                      "# A timer future\n\nA hand-written future: its `poll` stores the "
                      "task's **waker** and returns *Pending*; a thread sleeps for the "
                      "duration, then calls `wake()`. The executor polls the task again and "
                      "this time the future is *Ready*.\n\nWatch the lane: a short bar "
                      "(Pending), a thin waiting line, an arrow from the wake, a bar again.");
    timer.knobs = {{"duration", "Duration", 300, 1, 5000, " ms"}, {"times", "Timers", 3, 1, 20}};
    timer.run = [](const RunSetup& s) {
        return on_runtime(s, 1, [&s](Runtime&) {
            return timer_main(s.clock, s.knob("duration", 300), s.knob("times", 3));
        });
    };

    auto& exec = add("executor", "2. An executor",
                     "# An executor\n\nAn executor takes tasks from a queue and polls "
                     "them. A task that returns *Pending* leaves the queue; its **wake** "
                     "puts it back. Here one worker runs several jobs that each sleep on "
                     "the timer wheel.");
    exec.knobs = {{"tasks", "Tasks", 4, 1, 64}, {"duration", "Sleep step", 100, 1, 2000, " ms"}};
    exec.run = [](const RunSetup& s) {
        return on_runtime(s, 1, [&s](Runtime&) {
            return executor_main(s.knob("tasks", 4), s.knob("duration", 100));
        });
    };

    auto& local = add("local-set", "3. Concurrency on one thread",
                      "# Concurrency on one thread\n\nSeveral tasks take turns on a "
                      "single thread: `yield_now()` hands the thread to the next task. "
                      "Because they never run in parallel they may share plain data.");
    local.knobs = {{"tasks", "Tasks", 3, 1, 16},
                   {"rounds", "Rounds", 4, 1, 50},
                   {"duration", "Sleep", 50, 1, 2000, " ms"}};
    local.run = [](const RunSetup& s) {
        return on_runtime(s, 1, [&s](Runtime&) {
            return local_main(s.knob("tasks", 3), s.knob("rounds", 4), s.knob("duration", 50));
        });
    };

    auto& join_ex = add("join", "4a. join",
                        "# join\n\n`join(a, b)` polls both futures and is *Ready* only "
                        "when both are. The main task is woken twice: once per leg.");
    join_ex.knobs = {
        {"a", "Left", 200, 1, 5000, " ms"}, {"b", "Right", 400, 1, 5000, " ms"}, workers};
    join_ex.run = [](const RunSetup& s) {
        return on_runtime(s, s.knob("workers", 2),
                          [&s](Runtime&) { return join_main(s.knob("a", 200), s.knob("b", 400)); });
    };

    auto& sel = add("select", "4b. select",
                    "# select\n\n`select(a, b)` is *Ready* as soon as one future is; "
                    "the loser is **cancelled** (destroyed). Look for the cancel marker.");
    sel.knobs = {
        {"a", "Racer A", 150, 1, 5000, " ms"}, {"b", "Racer B", 400, 1, 5000, " ms"}, workers};
    sel.run = [](const RunSetup& s) {
        return on_runtime(s, s.knob("workers", 2), [&s](Runtime&) {
            return select_main(s.knob("a", 150), s.knob("b", 400));
        });
    };

    auto& sp = add("spawn", "4c. spawn",
                   "# spawn\n\n`spawn` hands a task to the runtime: it runs in parallel "
                   "with its parent on whichever worker is free. Switch the lanes to "
                   "*per worker* to see the workers share the load.");
    sp.knobs = {{"tasks", "Tasks", 6, 1, 200},
                {"steps", "Steps", 4, 1, 100},
                {"duration", "Sleep step", 40, 1, 2000, " ms"},
                workers};
    sp.run = [](const RunSetup& s) {
        return on_runtime(s, s.knob("workers", 2), [&s](Runtime&) {
            return spawn_main(s.knob("tasks", 6), s.knob("steps", 4), s.knob("duration", 40));
        });
    };

    auto& st = add("stream", "5. Streams",
                   "# Streams\n\nA stream yields values one at a time; `co_await "
                   "s.next()` is *Pending* until the producer has the next one.");
    st.knobs = {{"count", "Values", 5, 1, 100}, {"duration", "Interval", 120, 1, 2000, " ms"}};
    st.run = [](const RunSetup& s) {
        return on_runtime(s, 1, [&s](Runtime&) {
            return stream_main(s.knob("count", 5), s.knob("duration", 120));
        });
    };

    auto& ev = add("event-loop", "6. Event loop and shutdown",
                   "# Event loop and graceful shutdown\n\nA loop `select`s between its "
                   "work (an mpsc channel of events) and a **broadcast** shutdown. Send "
                   "events with the buttons while it runs; **Shutdown** sends the "
                   "broadcast: the loop finishes the events it holds and exits. The "
                   "count it reports equals the events sent.");
    ev.knobs = {{"capacity", "Channel capacity", 4, 1, 1024},
                {"events", "Events at start", 5, 0, 10000},
                workers};
    ev.interactive = true;
    ev.has_shutdown = true;
    ev.run = [](const RunSetup& s) {
        return on_runtime(s, s.knob("workers", 2), [&s](Runtime& rt) {
            auto [tx, rx] = mpsc::channel<int>(std::size_t(s.knob("capacity", 4)));
            auto [stx, srx] = broadcast::channel<int>(1);
            auto shared_stx = std::make_shared<broadcast::Sender<int>>(std::move(stx));
            RunControl* control = s.control;
            if (control) {
                control->set_shutdown_handler([shared_stx] { (void)shared_stx->send(1); });
                control->set_event_handler(
                    [&rt, tx](int n) { (void)rt.spawn(producer(tx, n), "sender"); });
            }
            (void)rt.spawn(producer(tx, s.knob("events", 5)), "sender");
            if (control)
                control->add_sent(s.knob("events", 5));
            return [](JoinHandle<int> loop) -> Task<std::string> {
                int handled = co_await loop;
                co_return std::to_string(handled) + " events handled";
            }(rt.spawn(event_loop(std::move(rx), std::move(srx)), "event loop"));
        });
    };

    // The code panel: the examples' own source, cut at the markers.
    QFile f(QStringLiteral(":/src/builtin_examples.cpp"));
    if (f.open(QIODevice::ReadOnly)) {
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
        for (auto& e : out) {
            const QString begin = QStringLiteral("// @example ") + e.id;
            int first = -1;
            QStringList code;
            for (int i = 0; i < lines.size(); ++i) {
                if (first < 0) {
                    if (lines[i].trimmed() == begin)
                        first = i + 1;
                    continue;
                }
                if (lines[i].trimmed() == QLatin1String("// @end"))
                    break;
                code << lines[i];
            }
            if (first >= 0) {
                e.code = code.join(QLatin1Char('\n'));
                e.code_first_line = first + 1; // 1-based line of the first code line
            }
        }
    }
    return out;
}

} // namespace pollscope::app
