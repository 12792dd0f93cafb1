#pragma once
// BlockingPool and spawn_blocking(): Tokio's blocking pool. Work that blocks
// its thread (a synchronous sleep, a file copy, a long computation) must not
// run on a runtime worker: every other task on that worker would wait. It
// runs here instead, on threads of its own (started on demand, named
// "blocking-N", reported to the hooks so each is drawn as its own lane, with
// a mark when a job starts and ends), while the awaiting task is Pending and
// its worker runs other tasks.
//
// A job cannot be cancelled once it runs: dropping the handle detaches it
// (as in Tokio). Shutdown drops the jobs not yet started (their handles throw
// TaskCancelled) and waits for the running ones.
//
// Virtual clock: a job holds the clock from submit() until it ends, so time
// does not jump past it; inside, block_thread()/burn_cpu() (cpu_work.h)
// occupy the thread for modelled time.

#include "clock.h"
#include "context.h"
#include "hooks.h"
#include "poll.h"
#include "raw_task.h"
#include "resource.h"
#include "waker.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace pollscope {

class BlockingPool {
public:
    struct Options {
        int max_threads = 8;
        std::string thread_name = "blocking"; // threads are named thread_name-N
        Hooks* hooks = nullptr;
        std::shared_ptr<Clock> clock; // null: a real clock
    };
    explicit BlockingPool(Options options);
    ~BlockingPool();
    BlockingPool(const BlockingPool&) = delete;
    BlockingPool& operator=(const BlockingPool&) = delete;

    /// Runs `job` on a pool thread (`dropped` instead if the pool shuts down
    /// first). False after shutdown: neither is called.
    bool submit(std::function<void()> job, std::function<void()> dropped);
    /// Stops taking jobs, drops the queued ones, waits for the running ones.
    void shutdown();
    /// Threads started so far.
    int threads() const;
    Clock& clock() const noexcept { return *clock_; }

private:
    struct Job {
        std::function<void()> run;
        std::function<void()> dropped;
        TaskId task = 0; // who submitted it (for the marks)
    };
    void thread_main(int index);

    Options options_;
    std::shared_ptr<Clock> clock_;
    mutable std::mutex m_;
    std::condition_variable cv_;
    std::deque<Job> queue_;
    std::vector<std::thread> threads_;
    int idle_ = 0;
    bool stopping_ = false;
};

namespace detail {
template <class T> struct BlockingShared {
    const Resource resource{ResourceKind::Blocking}; // what the awaiting task waits on
    std::mutex m;
    bool done = false;
    bool dropped = false;
    std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> value;
    std::exception_ptr error;
    Waker waker;
};
} // namespace detail

/// The future spawn_blocking() returns: Ready with the job's result (its
/// exception is rethrown; TaskCancelled if the pool dropped the job).
template <class T> class [[nodiscard]] BlockingHandle {
public:
    explicit BlockingHandle(std::shared_ptr<detail::BlockingShared<T>> s) noexcept
        : s_(std::move(s)) {}

    Poll<T> poll(Context& cx) {
        std::unique_lock lk(s_->m);
        if (!s_->done) {
            if (!s_->waker.will_wake(cx.waker())) {
                Waker old = std::exchange(s_->waker, cx.waker());
                lk.unlock(); // drop the old waker outside the lock
            }
            note_waits_on(s_->resource);
            return Pending;
        }
        if (s_->dropped)
            throw TaskCancelled();
        if (s_->error)
            std::rethrow_exception(s_->error);
        if constexpr (std::is_void_v<T>)
            return Ready();
        else
            return Poll<T>(std::move(*s_->value));
    }

private:
    std::shared_ptr<detail::BlockingShared<T>> s_;
};

/// Runs `f` on `pool`; `co_await` the handle for its result.
template <class F> auto spawn_blocking(BlockingPool& pool, F f) {
    using T = std::invoke_result_t<F&>;
    auto s = std::make_shared<detail::BlockingShared<T>>();
    auto finish = [s](auto fill) {
        Waker w;
        {
            std::lock_guard lk(s->m);
            fill(*s);
            s->done = true;
            w = std::move(s->waker);
        }
        w.wake();
    };
    auto run = [s, finish, f = std::move(f)]() mutable {
        try {
            if constexpr (std::is_void_v<T>) {
                f();
                finish([](auto& st) { st.value.emplace(true); });
            } else {
                auto v = f();
                finish([&v](auto& st) { st.value.emplace(std::move(v)); });
            }
        } catch (...) {
            auto e = std::current_exception();
            finish([&e](auto& st) { st.error = e; });
        }
    };
    if (!pool.submit(std::move(run), [finish] { finish([](auto& st) { st.dropped = true; }); }))
        finish([](auto& st) { st.dropped = true; });
    return BlockingHandle<T>(s);
}

} // namespace pollscope
