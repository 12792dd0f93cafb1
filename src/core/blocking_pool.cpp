#include "blocking_pool.h"

namespace pollscope {

BlockingPool::BlockingPool(Options options)
    : options_(std::move(options))
    , clock_(options_.clock ? options_.clock : Clock::make_real()) {
    if (options_.max_threads < 1)
        throw std::invalid_argument("pollscope::BlockingPool needs at least one thread");
}

BlockingPool::~BlockingPool() {
    shutdown();
}

bool BlockingPool::submit(std::function<void()> job, std::function<void()> dropped) {
    std::unique_lock lk(m_);
    if (stopping_)
        return false;
    clock_->hold(); // released when the job ends: virtual time waits for it
    queue_.push_back({std::move(job), std::move(dropped), current_task_id()});
    if (idle_ > 0) {
        cv_.notify_one();
    } else if (int(threads_.size()) < options_.max_threads) {
        const int index = int(threads_.size());
        threads_.emplace_back([this, index] { thread_main(index); });
    }
    return true;
}

void BlockingPool::thread_main(int index) {
    const std::string name = options_.thread_name + "-" + std::to_string(index);
    if (options_.hooks)
        options_.hooks->on_worker_start(index, name.c_str());
    std::unique_lock lk(m_);
    for (;;) {
        ++idle_;
        cv_.wait(lk, [this] { return stopping_ || !queue_.empty(); });
        --idle_;
        if (queue_.empty())
            return; // stopping, nothing left
        Job job = std::move(queue_.front());
        queue_.pop_front();
        lk.unlock();
        if (options_.hooks)
            options_.hooks->on_mark(job.task, "spawn_blocking job starts on " + name);
        job.run();
        if (options_.hooks)
            options_.hooks->on_mark(job.task, "spawn_blocking job done");
        job = {};
        clock_->release();
        lk.lock();
    }
}

void BlockingPool::shutdown() {
    std::deque<Job> dropped;
    std::vector<std::thread> threads;
    {
        std::lock_guard lk(m_);
        stopping_ = true;
        dropped.swap(queue_);
        threads.swap(threads_);
    }
    cv_.notify_all();
    for (auto& job : dropped) {
        job.dropped();
        clock_->release();
    }
    for (auto& t : threads)
        t.join();
}

int BlockingPool::threads() const {
    std::lock_guard lk(m_);
    return int(threads_.size());
}

} // namespace pollscope
