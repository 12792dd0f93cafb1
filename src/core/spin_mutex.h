#pragma once
// SpinMutex: a lock for critical sections of a few dozen instructions (a
// channel's ring, a queue's links). A contended std::mutex sleeps in the kernel
// at once, which costs far more than the section itself; this spins briefly
// (the holder, running on another core, is about to let go), then sleeps on
// the lock word (std::atomic::wait, a futex on Linux) so that a holder which
// was descheduled gets the CPU back instead of losing it to sched_yield
// storms of its waiters (more workers than cores). Meets Lockable, so
// std::lock_guard / std::unique_lock work with it.

#include <atomic>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace pollscope::detail {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
}

class SpinMutex {
public:
    bool try_lock() noexcept {
        std::uint32_t expected = kFree;
        return state_.load(std::memory_order_relaxed) == kFree &&
               state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                              std::memory_order_relaxed);
    }
    void lock() noexcept {
        if (!try_lock()) [[unlikely]]
            lock_contended();
    }
    void unlock() noexcept {
        // Only a lock that someone may sleep on pays for the wake.
        if (state_.exchange(kFree, std::memory_order_release) == kSleepers) [[unlikely]]
            state_.notify_one();
    }

private:
    static constexpr std::uint32_t kFree = 0;
    static constexpr std::uint32_t kLocked = 1;
    static constexpr std::uint32_t kSleepers = 2; // locked, and a waiter may be asleep
    static constexpr int kSpins = 100;

    void lock_contended() noexcept {
        for (int i = 0; i < kSpins; ++i) {
            cpu_relax();
            if (try_lock())
                return;
        }
        // Mark the lock so that its unlock wakes us; whoever takes it this
        // way keeps the mark, since other sleepers may remain.
        while (state_.exchange(kSleepers, std::memory_order_acquire) != kFree)
            state_.wait(kSleepers, std::memory_order_relaxed);
    }

    std::atomic<std::uint32_t> state_{kFree};
};

} // namespace pollscope::detail
