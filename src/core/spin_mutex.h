#pragma once
// SpinMutex: a lock for critical sections of a few dozen instructions (a
// channel's ring, a queue's links). A contended std::mutex sleeps in the kernel
// at once, which costs far more than the section itself; this spins briefly,
// then yields the CPU so a preempted holder can finish. Meets Lockable, so
// std::lock_guard / std::unique_lock work with it.

#include <atomic>
#include <thread>

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
        return !locked_.load(std::memory_order_relaxed) &&
               !locked_.exchange(true, std::memory_order_acquire);
    }
    void lock() noexcept {
        for (int spins = 0; !try_lock(); ++spins) {
            if (spins < 64)
                cpu_relax();
            else
                std::this_thread::yield();
        }
    }
    void unlock() noexcept { locked_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> locked_{false};
};

} // namespace pollscope::detail
