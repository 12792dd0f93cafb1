#pragma once
// ChannelExecutor + Spawner: the seed's Example 2, faithful. Tasks travel
// through a bounded channel; the executor pops one, polls it once on the
// calling thread, and forgets it. A task's waker sends the task back into the
// channel (at most once while it is queued: RawTask's NOTIFIED bit). run()
// returns when every sender is gone and the channel is empty.
//
// Senders, as in the seed: every Spawner (and every copy, also those captured
// by tasks) and every unfinished task (the seed's Task::task_sender). A task
// stops being a sender when it completes or is destroyed, which happens when
// its last waker is dropped: so a task pending forever on a waker somebody
// keeps (a timer thread) keeps run() going, and a pending task whose waker
// was dropped does not.
//
// Capacity (the seed's sync_channel(MAX_TASKS)) bounds how many tasks can be
// queued by spawning: spawn() on a full channel throws ChannelFull, and
// try_spawn() returns false. A wake never blocks and never fails: the woken
// task already exists and is queued at most once, so the queue can only grow
// past the capacity by tasks spawned earlier. (Blocking in the waker like
// Rust's sync_channel send would deadlock when the executor's own thread
// wakes a task while the channel is full.)
//
// Virtual clock: each queued task carries one hold on the clock, released
// after its poll, so virtual time moves only when the channel is empty.

#include "clock.h"
#include "hooks.h"
#include "join_handle.h"
#include "raw_task.h"
#include "task.h"
#include "task_lists.h"

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <source_location>
#include <stdexcept>
#include <string_view>

namespace pollscope {

/// spawn() on a channel already holding `capacity` tasks.
class ChannelFull : public std::runtime_error {
public:
    ChannelFull()
        : std::runtime_error("pollscope: too many tasks in channel") {}
};

/// spawn() after the ChannelExecutor (the receiver) was destroyed.
class ExecutorGone : public std::runtime_error {
public:
    ExecutorGone()
        : std::runtime_error("pollscope: the channel executor is gone") {}
};

namespace detail {

class TaskChannel final : public Scheduler {
public:
    TaskChannel(std::size_t capacity, Hooks* hooks, std::shared_ptr<Clock> clock);

    Hooks* hooks() const noexcept { return hooks_; }
    Clock& clock() const noexcept { return *clock_; }
    std::size_t capacity() const noexcept { return capacity_; }

    void add_sender() noexcept;
    void drop_sender() noexcept;
    /// A finished or destroyed task: no longer live, no longer a sender.
    void task_gone(RawTask* t) noexcept;

    /// Spawning: reserve a slot (false: full or closed), build the task, commit it.
    enum class Reserve { Ok, Full, Closed };
    Reserve reserve() noexcept;
    void unreserve() noexcept;
    /// Queues a new task. False if the executor closed meanwhile (caller deletes it).
    bool commit(RawTask* t, std::string_view name, std::source_location loc);

    void schedule(RawTask* t) override;
    void release(RawTask* t) noexcept override;

    /// Receiver side. pop(true) blocks until a task arrives or no sender is left.
    RawTask* pop(bool wait);
    /// A task woken during its own poll goes back, with its clock hold.
    void requeue(RawTask* t) noexcept;
    bool finished() const;
    std::size_t queued() const;
    std::size_t senders() const;
    std::size_t live_tasks() const;
    /// The executor is gone: cancel every live task, drop the queue.
    void close() noexcept;

private:
    const std::size_t capacity_;
    Hooks* const hooks_;
    const std::shared_ptr<Clock> clock_;
    mutable std::mutex m_;
    std::condition_variable cv_;
    TaskFifo queue_;
    OwnedTasks live_; // no references: a task leaves when it finishes or is destroyed
    std::size_t reserved_ = 0;
    std::size_t senders_ = 0;
    bool closed_ = false;
    bool ended_ = false; // the end (empty, no sender) was recorded
};

/// Lives in a task's outer coroutine frame: the task's sender handle and its
/// place in the live list, both given up when the frame is destroyed.
class TaskSenderGuard {
public:
    explicit TaskSenderGuard(std::shared_ptr<TaskChannel> ch)
        : ch_(std::move(ch)) {
        ch_->add_sender();
    }
    ~TaskSenderGuard() { ch_->task_gone(task_); }
    TaskSenderGuard(const TaskSenderGuard&) = delete;
    TaskSenderGuard& operator=(const TaskSenderGuard&) = delete;
    RawTask* task_ = nullptr;

private:
    std::shared_ptr<TaskChannel> ch_;
};

template <class T> Task<T> with_task_sender(Task<T> inner, std::unique_ptr<TaskSenderGuard> guard) {
    (void)guard; // destroyed with this frame
    if constexpr (std::is_void_v<T>)
        co_await inner;
    else
        co_return co_await inner;
}

} // namespace detail

class ChannelExecutor;
struct ExecutorAndSpawner;

/// The sending side (the seed's Spawner). Copyable: each copy is a sender.
class Spawner {
public:
    Spawner(const Spawner& o);
    Spawner(Spawner&& o) noexcept = default;
    Spawner& operator=(const Spawner& o);
    Spawner& operator=(Spawner&& o) noexcept;
    ~Spawner();

    /// Queues the task (detached, as in the seed). Throws ChannelFull when the
    /// channel holds `capacity` tasks, ExecutorGone after the executor is gone.
    void spawn(Task<void> task, std::string_view name = {},
               std::source_location loc = std::source_location::current()) {
        (void)spawn_cell(std::move(task), 1, name, loc, true);
    }
    /// Like spawn(), but returns false instead of throwing.
    bool try_spawn(Task<void> task, std::string_view name = {},
                   std::source_location loc = std::source_location::current()) {
        return spawn_cell(std::move(task), 1, name, loc, false) != nullptr;
    }
    /// Queues the task and returns its JoinHandle. Throws like spawn().
    template <class T>
    JoinHandle<T> spawn_joinable(Task<T> task, std::string_view name = {},
                                 std::source_location loc = std::source_location::current()) {
        return JoinHandle<T>(spawn_cell(std::move(task), 2, name, loc, true));
    }

    bool valid() const noexcept { return ch_ != nullptr; }

private:
    friend struct ExecutorAndSpawner;
    friend ExecutorAndSpawner new_executor_and_spawner(std::size_t, Hooks*, std::shared_ptr<Clock>);
    explicit Spawner(std::shared_ptr<detail::TaskChannel> ch);

    template <class T>
    TaskCell<T>* spawn_cell(Task<T>&& task, std::uint64_t refs, std::string_view name,
                            std::source_location loc, bool throw_errors);

    std::shared_ptr<detail::TaskChannel> ch_;
};

/// The receiving side (the seed's Executor).
class ChannelExecutor {
public:
    ChannelExecutor(ChannelExecutor&&) noexcept = default;
    ChannelExecutor& operator=(ChannelExecutor&&) = delete;
    ChannelExecutor(const ChannelExecutor&) = delete;
    ChannelExecutor& operator=(const ChannelExecutor&) = delete;
    /// Cancels (destroys) every unfinished task; later spawns throw ExecutorGone.
    ~ChannelExecutor();

    /// Pops and polls tasks on this thread; returns when every sender is gone
    /// and the channel is empty.
    void run();

    enum class Status { Finished, Waiting };
    /// Polls the queued tasks (and those queued meanwhile) without blocking.
    /// Finished: no sender is left, run() would return; Waiting: tasks wait for wakes.
    Status run_queued();

    std::size_t queued() const;
    /// Spawners plus unfinished tasks.
    std::size_t senders() const;
    /// Unfinished tasks (queued or waiting).
    std::size_t live_tasks() const;
    std::size_t capacity() const;

private:
    friend ExecutorAndSpawner new_executor_and_spawner(std::size_t, Hooks*, std::shared_ptr<Clock>);
    explicit ChannelExecutor(std::shared_ptr<detail::TaskChannel> ch)
        : ch_(std::move(ch)) {}
    void run_one(RawTask* t);

    std::shared_ptr<detail::TaskChannel> ch_;
};

struct ExecutorAndSpawner {
    ChannelExecutor executor;
    Spawner spawner;
};

/// The seed's new_executor_and_spawner(): `auto [executor, spawner] = ...`.
/// `clock` null: a real clock.
ExecutorAndSpawner new_executor_and_spawner(std::size_t capacity = 10'000, Hooks* hooks = nullptr,
                                            std::shared_ptr<Clock> clock = nullptr);

template <class T>
TaskCell<T>* Spawner::spawn_cell(Task<T>&& task, std::uint64_t refs, std::string_view name,
                                 std::source_location loc, bool throw_errors) {
    if (!ch_)
        throw std::logic_error("pollscope: spawn on a moved-from Spawner");
    switch (ch_->reserve()) {
    case detail::TaskChannel::Reserve::Ok:
        break;
    case detail::TaskChannel::Reserve::Full:
        if (throw_errors)
            throw ChannelFull();
        return nullptr;
    case detail::TaskChannel::Reserve::Closed:
        if (throw_errors)
            throw ExecutorGone();
        return nullptr;
    }
    TaskCell<T>* cell = nullptr;
    try {
        auto guard = std::make_unique<detail::TaskSenderGuard>(ch_);
        auto* g = guard.get();
        cell = new TaskCell<T>(detail::with_task_sender(std::move(task), std::move(guard)),
                               ch_.get(), ch_->hooks(), refs);
        g->task_ = cell;
    } catch (...) {
        ch_->unreserve();
        throw;
    }
    if (!ch_->commit(cell, name, loc)) {
        delete cell;
        if (throw_errors)
            throw ExecutorGone();
        return nullptr;
    }
    return cell;
}

} // namespace pollscope
