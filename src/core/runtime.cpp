#include "runtime.h"

#include "default_hooks.h"
#include "local_queue.h"
#include "spin_mutex.h"
#include "task_lists.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <mutex>
#include <pthread.h>
#include <random>
#include <thread>

namespace pollscope {

namespace {

// Tokio's numbers: check the injection queue and the timers every 61 polls so
// neither starves; run at most 128 LIFO hand-offs in a row (Tokio's coop
// budget) so a ping-pong pair cannot monopolise a worker.
constexpr std::uint32_t kGlobalQueueInterval = 61;
constexpr int kMaxLifoPolls = 128;
constexpr std::size_t kOwnedShards = 32;

/// Sleeping worker: a flag under a mutex, condvar for the wake.
class Parker {
public:
    void unpark() {
        {
            std::lock_guard lk(m_);
            notified_ = true;
        }
        cv_.notify_one();
    }
    template <class Pred> void park(Pred stop) {
        std::unique_lock lk(m_);
        cv_.wait(lk, [&] { return notified_ || stop(); });
        notified_ = false;
    }
    template <class Pred> void park_until(std::chrono::steady_clock::time_point t, Pred stop) {
        std::unique_lock lk(m_);
        cv_.wait_until(lk, t, [&] { return notified_ || stop(); });
        notified_ = false;
    }

private:
    std::mutex m_;
    std::condition_variable cv_;
    bool notified_ = false;
};

/// The live tasks of the runtime, so shutdown can cancel every unfinished one:
/// the single-thread list of task_lists.h, sharded by task id under spin locks
/// so workers finishing tasks rarely meet on one lock.
class ShardedOwnedTasks {
public:
    void insert(RawTask* t) {
        auto& s = shard(t);
        std::lock_guard lk(s.m);
        s.list.link(t);
        s.bump_live(1);
    }
    /// True when it was still listed (and is now removed).
    bool remove(RawTask* t) noexcept {
        auto& s = shard(t);
        std::lock_guard lk(s.m);
        if (!s.list.unlink(t))
            return false;
        s.bump_live(-1);
        return true;
    }
    /// Removes and returns any listed task (with the list's reference), or nullptr.
    RawTask* pop_any() noexcept {
        for (auto& s : shards_) {
            std::lock_guard lk(s.m);
            if (auto* t = s.list.pop()) {
                s.bump_live(-1);
                return t;
            }
        }
        return nullptr;
    }
    std::size_t live() const noexcept {
        std::size_t n = 0;
        for (auto& s : shards_)
            n += s.live.load(std::memory_order_relaxed);
        return n;
    }

private:
    struct alignas(64) Shard {
        detail::SpinMutex m;
        detail::OwnedTasks list;
        // Written under m only (a plain load and store, no atomic
        // read-modify-write); atomic so live() may read it without m. One
        // shared counter was a cache line every spawn and finish fought over.
        std::atomic<std::size_t> live{0};
        void bump_live(int d) noexcept {
            live.store(live.load(std::memory_order_relaxed) + std::size_t(d),
                       std::memory_order_relaxed);
        }
    };
    Shard& shard(RawTask* t) noexcept { return shards_[t->id() % kOwnedShards]; }
    std::array<Shard, kOwnedShards> shards_;
};

} // namespace

struct Worker {
    int index = 0;
    detail::LocalQueue queue;
    // Owner-thread state
    RawTask* lifo = nullptr;
    bool searching = false;
    bool woken_as_searcher = false; // set under idle_m by whoever took us off the sleepers
    bool parking = false;           // wakes from our own thread must then go through the injector
    std::uint32_t tick = 0;
    std::uint32_t rand_state = 0;
    bool* poll_follows_poll = nullptr; // the worker thread's note (hooks.h), set in worker_main
    Parker parker;
    // Stats: written by the owner only, read after join or racily for display.
    std::atomic<std::uint64_t> polls{0}, steal_ops{0}, stolen_tasks{0}, parks{0};
    std::thread thread;
};

struct Runtime::Shared final : Scheduler {
    std::shared_ptr<Hooks> default_hooks; // kept alive while the runtime uses them
    RuntimeOptions options;
    std::shared_ptr<Clock> clock;
    Runtime* owner = nullptr;
    std::unique_ptr<TimeDriver> driver;
    std::vector<std::unique_ptr<Worker>> workers;
    detail::InjectQueue inject;
    ShardedOwnedTasks owned;
    std::atomic<bool> shutting_down{false};
    std::atomic<int> external_calls{0};
    std::atomic<bool> driver_taken{false};
    std::atomic<int> driver_holder{-1};

    // Idle bookkeeping (Tokio's idle.rs): how many workers search for work and
    // how many are awake; the sleepers list under a mutex.
    std::atomic<int> num_searching{0};
    std::atomic<int> num_unparked{0};
    std::mutex idle_m;
    std::vector<int> sleepers;

    std::once_flag shutdown_once;

    void schedule(RawTask* task) override;
    void release(RawTask* task) noexcept override {
        if (owned.remove(task))
            task->ref_dec();
    }

    void worker_main(Worker& w);
    RawTask* next_task(Worker& w);
    RawTask* steal_work(Worker& w);
    void run_task(Worker& w, RawTask* task);
    void park(Worker& w);
    void maintenance(Worker& w);
    void notify_parked();
    bool unpark_worker(int idx);
    void schedule_local(Worker& w, RawTask* task, bool is_yield);
    /// Pushes onto w's run queue (or, when full, the injection queue) and
    /// tells the hooks where the task went; `displaced` (a task the LIFO
    /// slot's new one pushed out): only when not onto the run queue, where
    /// a reader of the LIFO hand-off puts it by itself.
    void push_run_queue(Worker& w, RawTask* task, bool displaced = false);
    bool any_work() const;
    void cancel_task(RawTask* task) noexcept;
    void wait_for_external_calls() const;
};

namespace {
struct WorkerContext {
    Runtime::Shared* shared = nullptr;
    Worker* worker = nullptr;
};
thread_local WorkerContext tls_ctx;
} // namespace

Runtime::Runtime(RuntimeOptions options)
    : shared_(std::make_unique<Shared>()) {
    auto& s = *shared_;
    if (options.workers < 1)
        throw std::invalid_argument("pollscope::Runtime needs at least one worker");
    s.options = std::move(options);
    if (!s.options.hooks) {
        s.default_hooks = default_hooks();
        s.options.hooks = s.default_hooks.get();
    }
    s.owner = this;
    s.clock = s.options.clock ? s.options.clock : Clock::make_real();
    s.driver = std::make_unique<TimeDriver>(s.clock);
    blocking_ = std::make_unique<BlockingPool>(
        BlockingPool::Options{.hooks = s.options.hooks, .clock = s.clock});
    s.driver->set_park_notifier(
        [](void* p) {
            auto* sh = static_cast<Shared*>(p);
            int holder = sh->driver_holder.load(std::memory_order_acquire);
            if (holder >= 0 && sh->unpark_worker(holder))
                sh->workers[std::size_t(holder)]->parker.unpark();
        },
        &s);
    int n = s.options.workers;
    s.num_unparked.store(n);
    for (int i = 0; i < n; ++i) {
        auto w = std::make_unique<Worker>();
        w->index = i;
        w->rand_state = std::uint32_t(0x9E3779B9u * std::uint32_t(i + 1));
        s.workers.push_back(std::move(w));
        s.clock->hold(); // each awake worker holds virtual time
    }
    for (auto& w : s.workers)
        w->thread = std::thread([&s, wp = w.get()] { s.worker_main(*wp); });
}

Runtime::~Runtime() {
    shutdown();
}

int Runtime::worker_count() const noexcept {
    return shared_->options.workers;
}
Clock& Runtime::clock() const noexcept {
    return *shared_->clock;
}
TimeDriver& Runtime::time_driver() noexcept {
    return *shared_->driver;
}
Hooks* Runtime::hooks() const noexcept {
    return shared_->options.hooks;
}
Scheduler* Runtime::scheduler() noexcept {
    return shared_.get();
}
std::size_t Runtime::live_tasks() const {
    return shared_->owned.live();
}

std::vector<WorkerStats> Runtime::worker_stats() const {
    std::vector<WorkerStats> out;
    for (auto& w : shared_->workers)
        out.push_back(
            {w->polls.load(), w->steal_ops.load(), w->stolen_tasks.load(), w->parks.load()});
    return out;
}

Runtime* Runtime::current() noexcept {
    return tls_ctx.shared ? tls_ctx.shared->owner : nullptr;
}
int Runtime::current_worker() noexcept {
    return tls_ctx.worker ? tls_ctx.worker->index : -1;
}

void Runtime::submit_new(RawTask* task, std::string_view name, std::source_location loc) {
    auto& s = *shared_;
    task->report_spawn(name, loc);
    s.owned.insert(task);
    if (s.shutting_down.load(std::memory_order_acquire)) {
        s.cancel_task(task);
        return;
    }
    s.schedule(task);
}

void Runtime::shutdown() {
    auto& s = *shared_;
    std::call_once(s.shutdown_once, [&] {
        blocking_->shutdown(); // its jobs' wakes still find the workers
        s.shutting_down.store(true, std::memory_order_seq_cst);
        s.wait_for_external_calls(); // later ones see shutting_down and cancel
        for (auto& w : s.workers)
            w->parker.unpark();
        for (auto& w : s.workers)
            if (w->thread.joinable())
                w->thread.join();
        // Cancel what is queued, then every task still waiting for a wake.
        for (auto& w : s.workers) {
            if (auto* t = std::exchange(w->lifo, nullptr))
                s.cancel_task(t);
            while (auto* t = w->queue.pop())
                s.cancel_task(t);
        }
        while (auto* t = s.inject.pop())
            s.cancel_task(t);
        while (auto* t = s.owned.pop_any()) {
            t->shutdown();
            t->ref_dec(); // the list's reference
        }
        while (auto* t = s.inject.pop()) // wakes sent by the cancellations above
            s.cancel_task(t);
        s.wait_for_external_calls(); // a cancel from outside may still be running
    });
}

bool Runtime::shutting_down() const noexcept {
    return shared_->shutting_down.load(std::memory_order_acquire);
}

// A queued task (holding the queue's reference) that will never run.
void Runtime::Shared::cancel_task(RawTask* task) noexcept {
    task->shutdown();
    task->ref_dec();
}

void Runtime::Shared::schedule(RawTask* task) {
    auto& ctx = tls_ctx;
    if (ctx.shared == this && ctx.worker && !ctx.worker->parking) {
        if (shutting_down.load(std::memory_order_acquire)) [[unlikely]]
            cancel_task(task);
        else
            schedule_local(*ctx.worker, task, false);
        return;
    }
    // A wake from outside the workers (a timer thread, the GUI): shutdown waits
    // until no such call is inside before it drains the queues and frees them.
    external_calls.fetch_add(1, std::memory_order_seq_cst);
    if (shutting_down.load(std::memory_order_seq_cst)) [[unlikely]] {
        cancel_task(task);
    } else {
        // Once pushed, another worker may run the task to its end and free
        // it: its id is read before.
        const auto id = task->id();
        inject.push(task);
        if (options.hooks) [[unlikely]]
            options.hooks->on_enqueue(id, QueueKind::Injection, -1, 0);
        notify_parked();
    }
    external_calls.fetch_sub(1, std::memory_order_release);
}

void Runtime::Shared::wait_for_external_calls() const {
    while (external_calls.load(std::memory_order_acquire) != 0)
        std::this_thread::yield();
}

void Runtime::Shared::schedule_local(Worker& w, RawTask* task, bool is_yield) {
    bool should_notify;
    if (is_yield) {
        push_run_queue(w, task);
        should_notify = true;
    } else {
        auto* prev = std::exchange(w.lifo, task);
        if (options.hooks) [[unlikely]]
            options.hooks->on_enqueue(task->id(), QueueKind::LifoSlot, w.index, 0);
        should_notify = prev != nullptr;
        if (prev)
            push_run_queue(w, prev, true);
    }
    if (should_notify && !w.searching)
        notify_parked();
}

void Runtime::Shared::push_run_queue(Worker& w, RawTask* task, bool displaced) {
    // Once pushed, a stealer may run the task to its end and free it: its id
    // is read before.
    const auto id = task->id();
    const std::uint32_t overflowed = w.queue.push_back(task, inject);
    if (options.hooks && !(displaced && overflowed == 0)) [[unlikely]] {
        const QueueKind q = overflowed == 0   ? QueueKind::RunQueue
                            : overflowed == 1 ? QueueKind::Injection
                                              : QueueKind::Overflow;
        options.hooks->on_enqueue(id, q, q == QueueKind::Injection ? -1 : w.index,
                                  overflowed > 1 ? overflowed : 0);
    }
}

void Runtime::Shared::notify_parked() {
    // Wake one sleeper only if nobody is already searching (Tokio's rule).
    if (num_searching.load(std::memory_order_seq_cst) != 0 ||
        num_unparked.load(std::memory_order_seq_cst) >= options.workers)
        return;
    int idx;
    {
        std::lock_guard lk(idle_m);
        if (num_searching.load(std::memory_order_seq_cst) != 0 ||
            num_unparked.load(std::memory_order_seq_cst) >= options.workers || sleepers.empty())
            return;
        num_searching.fetch_add(1, std::memory_order_seq_cst);
        num_unparked.fetch_add(1, std::memory_order_seq_cst);
        idx = sleepers.back();
        sleepers.pop_back();
        workers[std::size_t(idx)]->woken_as_searcher = true;
    }
    clock->hold(); // handed to the woken worker
    workers[std::size_t(idx)]->parker.unpark();
}

// Wakes a specific sleeper (not as a searcher); false when it was not asleep.
bool Runtime::Shared::unpark_worker(int idx) {
    {
        std::lock_guard lk(idle_m);
        auto it = std::find(sleepers.begin(), sleepers.end(), idx);
        if (it == sleepers.end())
            return false;
        sleepers.erase(it);
        num_unparked.fetch_add(1, std::memory_order_seq_cst);
        workers[std::size_t(idx)]->woken_as_searcher = false;
    }
    clock->hold();
    return true;
}

bool Runtime::Shared::any_work() const {
    if (!inject.empty())
        return true;
    for (auto& w : workers)
        if (w->queue.len() > 0)
            return true;
    return false;
}

RawTask* Runtime::Shared::next_task(Worker& w) {
    if (w.tick % kGlobalQueueInterval == 0) {
        if (auto* t = inject.pop())
            return t;
    }
    if (auto* t = std::exchange(w.lifo, nullptr))
        return t;
    if (auto* t = w.queue.pop())
        return t;
    return inject.pop();
}

RawTask* Runtime::Shared::steal_work(Worker& w) {
    if (!w.searching) {
        // At most half the workers search at once, so wake-ups do not stampede.
        int cur = num_searching.load(std::memory_order_seq_cst);
        if (2 * cur >= options.workers)
            return nullptr;
        num_searching.fetch_add(1, std::memory_order_seq_cst);
        w.searching = true;
    }
    auto n = workers.size();
    w.rand_state ^= w.rand_state << 13;
    w.rand_state ^= w.rand_state >> 17;
    w.rand_state ^= w.rand_state << 5;
    auto start = std::size_t(w.rand_state) % n;
    for (std::size_t i = 0; i < n; ++i) {
        auto idx = (start + i) % n;
        if (idx == std::size_t(w.index))
            continue;
        std::uint32_t moved = 0;
        if (auto* t = workers[idx]->queue.steal_into(w.queue, moved)) {
            if (options.hooks) [[unlikely]]
                options.hooks->on_steal(t->id(), int(idx), moved);
            w.steal_ops.fetch_add(1, std::memory_order_relaxed);
            w.stolen_tasks.fetch_add(moved, std::memory_order_relaxed);
            return t;
        }
    }
    return inject.pop();
}

void Runtime::Shared::run_task(Worker& w, RawTask* task) {
    if (w.searching) {
        w.searching = false;
        // The last searcher to find work wakes another to keep looking.
        if (num_searching.fetch_sub(1, std::memory_order_seq_cst) == 1)
            notify_parked();
    }
    int lifo_polls = 0;
    for (;;) {
        w.polls.fetch_add(1, std::memory_order_relaxed);
        if (task->run() == RawTask::RunResult::Reschedule)
            schedule_local(w, task, true); // a yield goes to the back
        *w.poll_follows_poll = true;       // until this worker parks
        task = std::exchange(w.lifo, nullptr);
        if (!task)
            return;
        if (++lifo_polls > kMaxLifoPolls) {
            push_run_queue(w, task);
            notify_parked();
            return;
        }
    }
}

void Runtime::Shared::maintenance(Worker&) {
    if (!clock->is_virtual() && driver->armed() > 0) {
        bool expected = false;
        if (driver_taken.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
            driver->process();
            driver_taken.store(false, std::memory_order_release);
        }
    }
}

void Runtime::Shared::park(Worker& w) {
    *w.poll_follows_poll = false;
    bool was_searching = w.searching;
    bool last_searcher;
    {
        std::lock_guard lk(idle_m);
        num_unparked.fetch_sub(1, std::memory_order_seq_cst);
        last_searcher = was_searching && num_searching.fetch_sub(1, std::memory_order_seq_cst) == 1;
        sleepers.push_back(w.index);
    }
    w.searching = false;
    // The last searcher must not leave work behind that arrived meanwhile.
    if (last_searcher && any_work())
        notify_parked();
    w.parks.fetch_add(1, std::memory_order_relaxed);

    bool have_driver = false;
    if (!clock->is_virtual()) {
        bool expected = false;
        have_driver =
            driver_taken.compare_exchange_strong(expected, true, std::memory_order_acquire);
    }
    auto stop = [&] { return shutting_down.load(std::memory_order_acquire); };
    w.parking = true;
    if (have_driver) {
        // Sleep until the next timer; arming an earlier one wakes us (TimeDriver).
        driver_holder.store(w.index, std::memory_order_release);
        auto next = driver->next_deadline();
        driver->set_parked_until(next ? TimeDriver::tick_ceil(*next) : UINT64_MAX);
        if (auto again = driver->next_deadline(); again && (!next || *again < *next))
            next = again; // armed between the first look and publishing
        if (next)
            w.parker.park_until(std::chrono::steady_clock::now() + (*next - clock->now()), stop);
        else
            w.parker.park(stop);
        driver->set_parked_until(0);
        driver_holder.store(-1, std::memory_order_release);
    } else {
        clock->release(); // virtual time may advance now
        w.parker.park(stop);
    }

    // Woken by notify_parked (it took us off the list and holds the clock for
    // us), or by a timeout/shutdown: then we take ourselves off the list.
    bool self_unpark = false;
    bool as_searcher = false;
    {
        std::lock_guard lk(idle_m);
        auto it = std::find(sleepers.begin(), sleepers.end(), w.index);
        if (it != sleepers.end()) {
            sleepers.erase(it);
            num_unparked.fetch_add(1, std::memory_order_seq_cst);
            self_unpark = true;
        } else {
            as_searcher = w.woken_as_searcher;
        }
    }
    if (self_unpark)
        clock->hold();
    // Only notify_parked counts the worker it wakes as searching; the timer
    // driver's wake-up (unpark_worker) does not.
    w.searching = as_searcher;
    w.parking = false;
    if (have_driver) {
        driver->process(); // woken tasks land in our own queue
        driver_taken.store(false, std::memory_order_release);
    }
}

void Runtime::Shared::worker_main(Worker& w) {
    tls_ctx = {this, &w};
    w.poll_follows_poll = &detail::poll_follows_poll_note();
    TimeDriver::set_current(driver.get());
    auto name = options.thread_name + "-" + std::to_string(w.index);
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    if (options.hooks)
        options.hooks->on_worker_start(w.index, name.c_str());

    while (!shutting_down.load(std::memory_order_acquire)) {
        ++w.tick;
        if (w.tick % kGlobalQueueInterval == 0)
            maintenance(w);
        if (auto* t = next_task(w)) {
            run_task(w, t);
            continue;
        }
        if (auto* t = steal_work(w)) {
            run_task(w, t);
            continue;
        }
        maintenance(w);
        // No spinning for work before parking: with more workers than free
        // cores (or a busy host) the spin takes the CPU from the worker that
        // would produce the work (event_loop at 4 workers: 0.75x -> 1.05x Tokio).
        if (any_work() || w.lifo)
            continue;
        park(w);
    }
    if (w.searching) {
        w.searching = false;
        num_searching.fetch_sub(1, std::memory_order_seq_cst);
    }
    // An awake worker holds virtual time; one that leaves must let it go, or
    // a worker still busy in modelled CPU work (Clock::occupy_until) waits
    // for time that never moves, and shutdown's join waits for that worker.
    clock->release();
    tls_ctx = {};
    TimeDriver::set_current(nullptr);
}

} // namespace pollscope
