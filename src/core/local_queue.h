#pragma once
// LocalQueue: a worker's bounded run queue (Tokio's design). Only the owner
// pushes and pops; other workers steal half of it at once. `head` packs the
// stealers' claim and the real head in one word so both move with one CAS.

#include "raw_task.h"
#include "spin_mutex.h"
#include "task_lists.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>

namespace pollscope::detail {

class InjectQueue;

class LocalQueue {
public:
    static constexpr std::uint32_t kCapacity = 256;
    static constexpr std::uint32_t kMask = kCapacity - 1;

    /// Owner only. On a full queue, half of it plus `task` move to `overflow`.
    /// Returns how many tasks went to `overflow` (0: `task` is in this queue).
    std::uint32_t push_back(RawTask* task, InjectQueue& overflow);
    /// Owner only.
    RawTask* pop();
    /// Another worker moves half of this queue into its own `dst`; returns one
    /// task to run at once, or nullptr.
    RawTask* steal_into(LocalQueue& dst, std::uint32_t& moved);

    std::uint32_t len() const noexcept {
        auto [steal, real] = unpack(head_.load(std::memory_order_acquire));
        (void)real;
        return tail_.load(std::memory_order_acquire) - steal;
    }
    bool has_stealable() const noexcept {
        auto [steal, real] = unpack(head_.load(std::memory_order_acquire));
        return steal == real && tail_.load(std::memory_order_acquire) != real;
    }

private:
    static std::uint64_t pack(std::uint32_t steal, std::uint32_t real) noexcept {
        return (std::uint64_t(steal) << 32) | real;
    }
    struct Pair {
        std::uint32_t steal, real;
    };
    static Pair unpack(std::uint64_t v) noexcept {
        return {std::uint32_t(v >> 32), std::uint32_t(v)};
    }
    bool push_overflow(RawTask* task, std::uint32_t head, std::uint32_t tail, InjectQueue& inject);
    std::uint32_t steal_into2(LocalQueue& dst, std::uint32_t dst_tail);

    alignas(64) std::atomic<std::uint64_t> head_{0};
    alignas(64) std::atomic<std::uint32_t> tail_{0};
    std::array<std::atomic<RawTask*>, kCapacity> buffer_{};
};

/// The shared injection queue: wakes from outside the workers and overflow.
class InjectQueue {
public:
    void push(RawTask* task) noexcept;
    /// Pushes a linked batch first..last (queue_next links) of n tasks.
    void push_batch(RawTask* first, RawTask* last, std::size_t n) noexcept;
    RawTask* pop() noexcept;
    bool empty() const noexcept { return len_.load(std::memory_order_acquire) == 0; }
    std::size_t len() const noexcept { return len_.load(std::memory_order_acquire); }

private:
    alignas(64) std::atomic<std::size_t> len_{0};
    SpinMutex m_;
    TaskFifo fifo_;
};

} // namespace pollscope::detail
