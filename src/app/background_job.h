#pragma once
// BackgroundJob<T>: work that runs on a std::thread of its own and hands its
// result back to the GUI thread. The result crosses under a std::mutex and
// the GUI thread picks it up with a timer (every 10 ms), so every hand-over
// is one ThreadSanitizer sees (Qt's own pool and posted events are not
// instrumented on Debian). Destroying the job, or cancel(), asks the work to
// stop (its std::stop_token) and waits for it: `done` is never called after,
// and nothing the work reads can go away under it.
// Lives on the GUI thread: construct, cancel and destroy it there.

#include <QObject>
#include <QTimer>

#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>

namespace pollscope::app {

/// A store with more events than this has what the views derive from it
/// (resource lanes and rows, the steps axis) computed by a BackgroundJob:
/// a scan of every poll costs ~0.15-0.2 s per million events.
inline constexpr std::size_t kBackgroundEvents = 20000;

template <class T> class BackgroundJob {
public:
    using Work = std::function<T(std::stop_token)>;
    using Done = std::function<void(T)>;

    /// Starts `work` at once; `done` runs on the GUI thread with its result
    /// (unless the job was cancelled or destroyed first, or `context` is gone).
    BackgroundJob(QObject* context, Work work, Done done)
        : done_(std::move(done))
        , timer_(new QTimer) {
        timer_->setInterval(10);
        // Through `context`: once it is gone, `done` is never called.
        QObject::connect(timer_, &QTimer::timeout, context, [this] { deliver(); });
        timer_->start();
        thread_ = std::jthread([this, work = std::move(work)](std::stop_token stop) {
            T result = work(stop);
            const std::lock_guard lock(m_);
            result_.emplace(std::move(result));
        });
    }
    ~BackgroundJob() { cancel(); }
    BackgroundJob(const BackgroundJob&) = delete;
    BackgroundJob& operator=(const BackgroundJob&) = delete;

    /// Asks the work to stop and waits for it; `done` will not be called.
    void cancel() {
        thread_.request_stop();
        if (thread_.joinable())
            thread_.join();
        stop_timer(false);
    }
    /// The work has not handed its result over yet.
    bool running() const { return timer_ != nullptr; }

private:
    void deliver() {
        std::optional<T> result;
        {
            const std::lock_guard lock(m_);
            result.swap(result_);
        }
        if (!result)
            return;
        thread_.join(); // it has finished: only the thread's exit is left
        stop_timer(true);
        // `done` may destroy this job: it runs from the stack.
        const Done done = std::move(done_);
        done(std::move(*result));
    }
    void stop_timer(bool in_its_slot) {
        if (!timer_)
            return;
        timer_->stop();
        if (in_its_slot)
            timer_->deleteLater(); // deliver() runs in its slot
        else
            delete timer_;
        timer_ = nullptr;
    }

    Done done_;
    QTimer* timer_; // owned; null once the result is handed over or cancelled
    std::mutex m_;
    std::optional<T> result_;
    std::jthread thread_; // last: stopped and joined before the rest goes
};

/// Jobs of one kind that may overlap (two opens, an export during another):
/// each leaves the list once it has handed its result over. Destroying the
/// list stops and waits for those still running.
template <class T> class BackgroundJobs {
public:
    void start(QObject* context, typename BackgroundJob<T>::Work work,
               typename BackgroundJob<T>::Done done) {
        const auto it = jobs_.emplace(jobs_.end());
        *it = std::make_unique<BackgroundJob<T>>(
            context, std::move(work), [this, it, done = std::move(done)](T result) {
                const auto finished = std::move(*it); // destroyed after `done`
                jobs_.erase(it);
                done(std::move(result));
            });
    }
    bool empty() const { return jobs_.empty(); }

private:
    std::list<std::unique_ptr<BackgroundJob<T>>> jobs_;
};

} // namespace pollscope::app
