#include "clock.h"

#include "hooks.h"

#include <algorithm>
#include <thread>

namespace pollscope {

std::shared_ptr<Clock> Clock::make_real() {
    return std::make_shared<Clock>(false);
}
std::shared_ptr<Clock> Clock::make_virtual() {
    return std::make_shared<Clock>(true);
}

Clock::Clock(bool is_virtual)
    : virtual_(is_virtual)
    , origin_(std::chrono::steady_clock::now()) {}

void Clock::sleep_until(Instant deadline) {
    if (!virtual_) {
        std::this_thread::sleep_until(origin_ + deadline);
        return;
    }
    std::unique_lock lk(m_);
    if (now() >= deadline) {
        holds_.fetch_add(1, std::memory_order_acq_rel);
        return;
    }
    Sleeper me;
    sleepers_.emplace(deadline, &me);
    if (holds_.load(std::memory_order_acquire) == 0) {
        // Nothing runnable: the last release already happened, so nobody else
        // will advance time for us.
        lk.unlock();
        advance();
        lk.lock();
    }
    cv_.wait(lk, [&] { return me.woken; }); // advance() erased us and gave us a hold
}

void Clock::occupy_until(Instant deadline) {
    if (!virtual_) {
        std::this_thread::sleep_until(origin_ + deadline);
        return;
    }
    std::unique_lock lk(m_);
    if (now() >= deadline)
        return; // keeps its hold
    Sleeper me;
    sleepers_.emplace(deadline, &me); // registered before the hold goes: no jump past it
    const bool last = holds_.fetch_sub(1, std::memory_order_acq_rel) == 1;
    lk.unlock();
    if (last) {
        // Timers fired here are the clock's doing, not the task this thread
        // is polling: their wakes must not be recorded as that task's.
        detail::PollScope outside(current_hooks(), 0);
        advance();
    }
    lk.lock();
    cv_.wait(lk, [&] { return me.woken; }); // advance() gave us a hold back
}

std::size_t Clock::sleepers() const {
    std::lock_guard lk(m_);
    return sleepers_.size();
}

void Clock::add_source(TimerSource* s) {
    std::lock_guard lk(m_);
    sources_.push_back(s);
}

void Clock::remove_source(TimerSource* s) {
    std::lock_guard lk(m_);
    sources_.erase(std::remove(sources_.begin(), sources_.end(), s), sources_.end());
}

void Clock::advance() {
    if (!virtual_)
        return;
    for (;;) {
        std::unique_lock lk(m_);
        std::optional<Instant> next;
        if (!sleepers_.empty())
            next = sleepers_.begin()->first;
        for (auto* s : sources_)
            if (auto d = s->next_deadline(); d && (!next || *d < *next))
                next = d;
        if (!next)
            return;
        // Take the clock only if it is idle right now: work that appeared wins.
        int idle = 0;
        if (!holds_.compare_exchange_strong(idle, 1, std::memory_order_acq_rel))
            return;
        auto now_ns = std::max(virtual_now_.load(std::memory_order_relaxed), next->count());
        virtual_now_.store(now_ns, std::memory_order_release);
        auto now = Instant(now_ns);
        bool woke = false;
        while (!sleepers_.empty() && sleepers_.begin()->first <= now) {
            sleepers_.begin()->second->woken = true;
            sleepers_.erase(sleepers_.begin());
            holds_.fetch_add(1, std::memory_order_acq_rel); // handed to the sleeper
            woke = true;
        }
        if (woke)
            cv_.notify_all();
        for (auto* s : sources_)
            s->fire_until(now);
        lk.unlock();
        if (holds_.fetch_sub(1, std::memory_order_acq_rel) != 1)
            return; // something became runnable
    }
}

} // namespace pollscope
