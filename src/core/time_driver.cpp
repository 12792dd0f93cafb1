#include "time_driver.h"

#include "coop.h"

#include <bit>
#include <stdexcept>
#include <utility>
#include <vector>

namespace pollscope {

namespace {
thread_local TimeDriver* tls_driver = nullptr;

constexpr std::uint64_t slot_range(int level) {
    return std::uint64_t(1) << (6 * level);
}
constexpr std::uint64_t level_range(int level) {
    return std::uint64_t(1) << (6 * (level + 1));
}
} // namespace

TimeDriver::TimeDriver(std::shared_ptr<Clock> clock)
    : clock_(std::move(clock)) {
    if (!clock_)
        clock_ = Clock::make_real();
    elapsed_ = std::uint64_t(clock_->now() / kTick);
    if (clock_->is_virtual())
        clock_->add_source(this);
}

TimeDriver::~TimeDriver() {
    if (clock_->is_virtual())
        clock_->remove_source(this);
}

TimeDriver* TimeDriver::current() noexcept {
    return tls_driver;
}
void TimeDriver::set_current(TimeDriver* d) noexcept {
    tls_driver = d;
}

// Deadlines round up to the next tick: a timer may fire late, never early.
std::uint64_t TimeDriver::tick_of(Instant t) const noexcept {
    return tick_ceil(t);
}

bool TimeDriver::arm(detail::TimerEntry& e, Instant deadline, const Waker& waker) {
    auto tick = tick_of(deadline);
    {
        std::unique_lock lk(m_);
        if (e.fired.load(std::memory_order_relaxed))
            return false;
        if (!e.waker.will_wake(waker))
            e.waker = waker;
        if (e.level >= 0 && e.deadline_tick == tick)
            return true;
        if (e.level >= 0)
            unlink(e);
        e.deadline_tick = tick;
        insert(e);
    }
    // A driver sleeping past this deadline must wake up to honour it.
    if (tick < parked_until_.load(std::memory_order_acquire) && on_earlier_deadline_)
        on_earlier_deadline_(notify_ctx_);
    return true;
}

void TimeDriver::set_park_notifier(void (*fn)(void*), void* ctx) noexcept {
    on_earlier_deadline_ = fn;
    notify_ctx_ = ctx;
}

void TimeDriver::disarm(detail::TimerEntry& e) noexcept {
    std::lock_guard lk(m_);
    if (e.level >= 0)
        unlink(e);
    e.waker.reset();
}

void TimeDriver::insert(detail::TimerEntry& e) {
    // Entries already due go in the current level-0 slot and fire next process().
    auto when = std::max(e.deadline_tick, elapsed_);
    auto masked = (elapsed_ ^ when) | 63;
    int level = std::min<int>((63 - std::countl_zero(masked)) / 6, kLevels - 1);
    // Beyond ~2.2 years: park in the top level, one rotation ahead at most; it
    // cascades (is re-inserted) when that slot comes round, as in Tokio.
    if (level == kLevels - 1 && when - elapsed_ >= level_range(level))
        when = elapsed_ + level_range(level) - 1;
    int slot = int((when >> (6 * level)) & 63);
    e.level = level;
    e.slot = slot;
    e.prev = nullptr;
    e.next = slots_[level][slot];
    if (e.next)
        e.next->prev = &e;
    slots_[level][slot] = &e;
    occupied_[level] |= std::uint64_t(1) << slot;
    ++count_;
}

void TimeDriver::unlink(detail::TimerEntry& e) noexcept {
    auto& head = slots_[e.level][e.slot];
    if (e.prev)
        e.prev->next = e.next;
    else
        head = e.next;
    if (e.next)
        e.next->prev = e.prev;
    if (!head)
        occupied_[e.level] &= ~(std::uint64_t(1) << e.slot);
    e.prev = e.next = nullptr;
    e.level = -1;
    --count_;
}

// When the first occupied slot of `level` is due (or must cascade): the slot's
// start, in this rotation of the level or the next. The top level is a ring:
// a slot at or before the current one holds timers of the next rotation (a
// far timer parked there must not look due now, or it would cascade forever).
std::uint64_t TimeDriver::slot_due_locked(int level, int& slot_out) const {
    auto now_slot = int((elapsed_ / slot_range(level)) & 63);
    auto slot = (std::countr_zero(std::rotr(occupied_[level], now_slot)) + now_slot) & 63;
    auto start = elapsed_ & ~(level_range(level) - 1);
    auto deadline = start + std::uint64_t(slot) * slot_range(level);
    if (slot < now_slot || (level == kLevels - 1 && slot == now_slot))
        deadline += level_range(level);
    slot_out = slot;
    return std::max(deadline, elapsed_);
}

std::optional<std::uint64_t> TimeDriver::next_tick_locked() const {
    for (int level = 0; level < kLevels; ++level) {
        if (!occupied_[level])
            continue;
        int slot;
        // a level-0 hit is exact; a higher level's slot start is when it must cascade
        return slot_due_locked(level, slot);
    }
    return std::nullopt;
}

std::optional<Instant> TimeDriver::next_deadline() {
    std::lock_guard lk(m_);
    auto t = next_tick_locked();
    if (!t)
        return std::nullopt;
    return Instant(std::int64_t(*t) * kTick.count());
}

std::size_t TimeDriver::fire_locked(std::uint64_t now_tick, std::unique_lock<std::mutex>& lk) {
    std::vector<Waker> due;
    for (;;) {
        auto next = next_tick_locked();
        if (!next || *next > now_tick)
            break;
        // Take the earliest slot at any level: level 0 fires, higher levels cascade down.
        int level = 0;
        for (; level < kLevels; ++level)
            if (occupied_[level]) {
                int slot;
                auto at = slot_due_locked(level, slot);
                if (at == *next) {
                    elapsed_ = at;
                    auto* e = slots_[level][slot];
                    slots_[level][slot] = nullptr;
                    occupied_[level] &= ~(std::uint64_t(1) << slot);
                    while (e) {
                        auto* n = e->next;
                        e->prev = e->next = nullptr;
                        e->level = -1;
                        --count_;
                        if (e->deadline_tick <= now_tick) {
                            e->fired.store(true, std::memory_order_release);
                            due.push_back(std::move(e->waker));
                        } else {
                            insert(*e);
                        }
                        e = n;
                    }
                    break;
                }
            }
    }
    elapsed_ = std::max(elapsed_, now_tick);
    lk.unlock();
    // The trace names the timer as the waker, whichever thread drives it.
    auto& source = detail::this_poll().wake_source;
    const WakeSource saved = std::exchange(source, WakeSource::Timer);
    for (auto& w : due)
        w.wake();
    source = saved;
    return due.size();
}

std::size_t TimeDriver::process() {
    auto now_tick = std::uint64_t(clock_->now() / kTick);
    std::unique_lock lk(m_);
    if (count_ == 0) {
        elapsed_ = std::max(elapsed_, now_tick);
        return 0;
    }
    return fire_locked(now_tick, lk);
}

void TimeDriver::fire_until(Instant now) {
    std::unique_lock lk(m_);
    fire_locked(std::uint64_t(now / kTick), lk);
}

std::size_t TimeDriver::armed() const {
    std::lock_guard lk(m_);
    return count_;
}

Sleep::~Sleep() {
    if (armed_ && !entry_.fired.load(std::memory_order_acquire))
        driver_->disarm(entry_);
}

Poll<void> Sleep::poll(Context& cx) {
    if (!coop::poll_proceed(cx))
        return Pending;
    bool ready = entry_.fired.load(std::memory_order_acquire);
    if (!ready && !armed_) {
        ready = driver_->clock().now() >= deadline_;
    }
    if (ready || !driver_->arm(entry_, deadline_, cx.waker())) {
        coop::made_progress();
        return Ready();
    }
    armed_ = true;
    note_waits_on(resource_);
    return Pending;
}

namespace {
TimeDriver& driver_or_throw() {
    auto* d = TimeDriver::current();
    if (!d)
        throw std::logic_error("pollscope::sleep used outside a Runtime (no timer driver)");
    return *d;
}
} // namespace

namespace {
// now + d without overflow, at most the far future.
Instant clamp_deadline(Instant now, Duration d) noexcept {
    if (d > TimeDriver::kFarFuture)
        d = TimeDriver::kFarFuture;
    return now + d; // now is far below Instant::max() - 30 years
}
} // namespace

Sleep sleep(Duration d) {
    auto& drv = driver_or_throw();
    return Sleep(clamp_deadline(drv.clock().now(), d), &drv);
}

Sleep sleep_until(Instant deadline) {
    auto& drv = driver_or_throw();
    auto now = drv.clock().now();
    if (deadline > now)
        deadline = clamp_deadline(now, deadline - now);
    return Sleep(deadline, &drv);
}

Instant now() {
    return driver_or_throw().clock().now();
}

} // namespace pollscope
