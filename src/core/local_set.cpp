#include "local_set.h"

#include <stdexcept>
#include <vector>

namespace pollscope {

LocalSet::LocalSet(Hooks* hooks)
    : hooks_(hooks) {}

LocalSet::~LocalSet() {
    std::vector<RawTask*> live;
    std::vector<RawTask*> ready;
    Waker outer;
    {
        std::lock_guard lk(m_);
        closed_ = true;
        while (RawTask* t = live_.pop())
            live.push_back(t); // with the list's reference
        while (RawTask* t = ready_.pop())
            ready.push_back(t);
        outer = std::move(outer_);
    }
    for (RawTask* t : live) {
        t->shutdown(); // destroys the future
        t->ref_dec();
    }
    for (RawTask* t : ready)
        t->ref_dec(); // the queue's reference
}

void LocalSet::add(RawTask* t, std::string_view name, std::source_location loc) {
    Waker outer;
    {
        std::lock_guard lk(m_);
        if (closed_) // cannot happen while the set is alive; keep the invariant anyway
            throw std::logic_error("pollscope: spawn_local on a LocalSet being destroyed");
        t->report_spawn(name, loc);
        live_.link(t);
        ready_.push(t);
        note_enqueue(t);
        outer = outer_; // a set already driven runs it at its next poll
    }
    outer.wake();
}

void LocalSet::schedule(RawTask* t) {
    Waker outer;
    {
        std::lock_guard lk(m_);
        if (!closed_) {
            ready_.push(t);
            note_enqueue(t);
            outer = outer_;
            t = nullptr;
        }
    }
    if (t) { // woken while the set is being destroyed: the destructor cancels it
        t->ref_dec();
        return;
    }
    outer.wake(); // outside the lock: the outer executor may run right here
}

void LocalSet::release(RawTask* t) noexcept {
    bool owned;
    {
        std::lock_guard lk(m_);
        owned = live_.unlink(t);
    }
    if (owned)
        t->ref_dec(); // never the last: the run holds one until complete() returns
}

void LocalSet::run_ready(Context& cx) {
    std::size_t budget;
    {
        std::lock_guard lk(m_);
        if (running_)
            throw std::logic_error("pollscope: a LocalSet driven from inside one of its own tasks");
        if (!outer_.will_wake(cx.waker()))
            outer_ = cx.waker();
        budget = ready_.size();
        running_ = true;
    }
    struct Reset {
        LocalSet* s;
        ~Reset() {
            std::lock_guard lk(s->m_);
            s->running_ = false;
        }
    } reset{this};
    // Only the tasks ready now: a task that keeps waking itself must not starve
    // the outer executor.
    for (; budget > 0; --budget) {
        RawTask* t;
        {
            std::lock_guard lk(m_);
            t = ready_.pop();
        }
        if (!t)
            break;
        if (t->run() == RawTask::RunResult::Reschedule) {
            std::lock_guard lk(m_);
            ready_.push(t);
            note_enqueue(t);
        }
    }
    bool more;
    {
        std::lock_guard lk(m_);
        more = !ready_.empty();
    }
    if (more)
        cx.waker().wake_by_ref();
}

Poll<void> LocalSet::poll(Context& cx) {
    run_ready(cx);
    std::lock_guard lk(m_);
    if (live_.empty())
        return Ready();
    note_waits_on(resource_);
    return Pending;
}

void LocalSet::note_enqueue(RawTask* t) {
    if (hooks_) [[unlikely]]
        hooks_->on_enqueue(t->id(), QueueKind::LocalSet, -1, 0);
}

std::size_t LocalSet::live_tasks() const {
    std::lock_guard lk(m_);
    return live_.size();
}

std::size_t LocalSet::ready_tasks() const {
    std::lock_guard lk(m_);
    return ready_.size();
}

} // namespace pollscope
