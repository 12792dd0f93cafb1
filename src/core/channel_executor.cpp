#include "channel_executor.h"

#include <vector>

namespace pollscope {

namespace detail {

TaskChannel::TaskChannel(std::size_t capacity, Hooks* hooks, std::shared_ptr<Clock> clock)
    : capacity_(capacity)
    , hooks_(hooks)
    , clock_(clock ? std::move(clock) : Clock::make_real()) {}

void TaskChannel::add_sender() noexcept {
    std::lock_guard lk(m_);
    ++senders_;
}

void TaskChannel::drop_sender() noexcept {
    std::lock_guard lk(m_);
    if (--senders_ == 0)
        cv_.notify_all();
}

void TaskChannel::task_gone(RawTask* t) noexcept {
    std::lock_guard lk(m_);
    if (t)
        live_.unlink(t);
    if (--senders_ == 0)
        cv_.notify_all();
}

TaskChannel::Reserve TaskChannel::reserve() noexcept {
    std::lock_guard lk(m_);
    if (closed_)
        return Reserve::Closed;
    if (queue_.size() + reserved_ >= capacity_)
        return Reserve::Full;
    ++reserved_;
    return Reserve::Ok;
}

void TaskChannel::unreserve() noexcept {
    std::lock_guard lk(m_);
    --reserved_;
}

bool TaskChannel::commit(RawTask* t, std::string_view name, std::source_location loc) {
    {
        std::lock_guard lk(m_);
        --reserved_;
        if (closed_)
            return false;
        // Reported before the task is visible to the executor: spawn precedes its first poll.
        t->report_spawn(name, loc);
        live_.link(t);
        clock_->hold(); // carried by the queued task
        queue_.push(t);
        if (hooks_) [[unlikely]] { // the spawner's send
            hooks_->on_channel_send(ChannelKind::TaskQueue, this);
            hooks_->on_enqueue(t->id(), QueueKind::TaskChannel, -1, 0);
        }
    }
    cv_.notify_all();
    return true;
}

void TaskChannel::schedule(RawTask* t) {
    {
        std::lock_guard lk(m_);
        if (!closed_) {
            clock_->hold();
            queue_.push(t);            // a wake never waits for room: see the header
            if (hooks_) [[unlikely]] { // the waker sends the task back
                hooks_->on_channel_send(ChannelKind::TaskQueue, this);
                hooks_->on_enqueue(t->id(), QueueKind::TaskChannel, -1, 0);
            }
            cv_.notify_all();
            return;
        }
    }
    // Woken after the executor is gone: nobody will poll it again.
    t->shutdown();
    t->ref_dec();
}

void TaskChannel::release(RawTask*) noexcept {
    // The task's frame (and with it its sender guard) is already destroyed.
}

RawTask* TaskChannel::pop(bool wait) {
    std::unique_lock lk(m_);
    if (wait)
        cv_.wait(lk, [&] { return !queue_.empty() || senders_ == 0 || closed_; });
    RawTask* t = queue_.pop();
    if (hooks_) [[unlikely]] {
        if (t)
            hooks_->on_channel_recv(ChannelKind::TaskQueue, this);
        else if (senders_ == 0 && !ended_) {
            // The seed's recv() returning Err: empty, and every sender gone.
            ended_ = true;
            hooks_->on_mark(0, "task channel empty and every sender gone: run() ends");
        }
    }
    return t;
}

void TaskChannel::requeue(RawTask* t) noexcept {
    std::lock_guard lk(m_);
    queue_.push(t);
    if (hooks_) [[unlikely]] { // woken during its poll: sent back now
        hooks_->on_channel_send(ChannelKind::TaskQueue, this);
        hooks_->on_enqueue(t->id(), QueueKind::TaskChannel, -1, 0);
    }
}

bool TaskChannel::finished() const {
    std::lock_guard lk(m_);
    return queue_.empty() && senders_ == 0;
}

std::size_t TaskChannel::queued() const {
    std::lock_guard lk(m_);
    return queue_.size();
}

std::size_t TaskChannel::senders() const {
    std::lock_guard lk(m_);
    return senders_;
}

std::size_t TaskChannel::live_tasks() const {
    std::lock_guard lk(m_);
    return live_.size();
}

void TaskChannel::close() noexcept {
    std::vector<RawTask*> live;
    std::vector<RawTask*> queued;
    {
        std::lock_guard lk(m_);
        closed_ = true;
        while (RawTask* t = live_.pop())
            if (t->state.ref_inc_if_alive()) // else it is being destroyed right now
                live.push_back(t);
        while (RawTask* t = queue_.pop())
            queued.push_back(t);
    }
    cv_.notify_all();
    for (RawTask* t : live) {
        t->shutdown(); // destroys the future
        t->ref_dec();
    }
    for (RawTask* t : queued) {
        t->ref_dec(); // the queue's reference
        clock_->release();
    }
}

} // namespace detail

Spawner::Spawner(std::shared_ptr<detail::TaskChannel> ch)
    : ch_(std::move(ch)) {
    ch_->add_sender();
}

Spawner::Spawner(const Spawner& o)
    : ch_(o.ch_) {
    if (ch_)
        ch_->add_sender();
}

Spawner& Spawner::operator=(const Spawner& o) {
    if (this != &o)
        *this = Spawner(o);
    return *this;
}

Spawner& Spawner::operator=(Spawner&& o) noexcept {
    if (this != &o) {
        if (ch_)
            ch_->drop_sender();
        ch_ = std::move(o.ch_);
    }
    return *this;
}

Spawner::~Spawner() {
    if (ch_)
        ch_->drop_sender();
}

ChannelExecutor::~ChannelExecutor() {
    if (ch_)
        ch_->close();
}

void ChannelExecutor::run_one(RawTask* t) {
    if (t->run() == RawTask::RunResult::Reschedule)
        ch_->requeue(t); // keeps its queue reference and its clock hold
    else
        ch_->clock().release();
}

void ChannelExecutor::run() {
    while (RawTask* t = ch_->pop(true))
        run_one(t);
}

ChannelExecutor::Status ChannelExecutor::run_queued() {
    while (RawTask* t = ch_->pop(false))
        run_one(t);
    return ch_->finished() ? Status::Finished : Status::Waiting;
}

std::size_t ChannelExecutor::queued() const {
    return ch_->queued();
}
std::size_t ChannelExecutor::senders() const {
    return ch_->senders();
}
std::size_t ChannelExecutor::live_tasks() const {
    return ch_->live_tasks();
}
std::size_t ChannelExecutor::capacity() const {
    return ch_->capacity();
}

ExecutorAndSpawner new_executor_and_spawner(std::size_t capacity, Hooks* hooks,
                                            std::shared_ptr<Clock> clock) {
    auto ch = std::make_shared<detail::TaskChannel>(capacity, hooks, std::move(clock));
    return ExecutorAndSpawner{ChannelExecutor(ch), Spawner(ch)};
}

} // namespace pollscope
