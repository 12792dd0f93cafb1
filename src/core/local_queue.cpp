#include "local_queue.h"

#include <cassert>

namespace pollscope::detail {

std::uint32_t LocalQueue::push_back(RawTask* task, InjectQueue& overflow) {
    std::uint32_t tail;
    for (;;) {
        auto [steal, real] = unpack(head_.load(std::memory_order_acquire));
        tail = tail_.load(std::memory_order_relaxed);
        if (tail - steal < kCapacity)
            break;
        if (steal != real) {
            // a stealer is making room right now; do not wait for it
            overflow.push(task);
            return 1;
        }
        if (push_overflow(task, real, tail, overflow))
            return kCapacity / 2 + 1;
    }
    buffer_[tail & kMask].store(task, std::memory_order_relaxed);
    tail_.store(tail + 1, std::memory_order_release);
    return 0;
}

bool LocalQueue::push_overflow(RawTask* task, std::uint32_t head, std::uint32_t tail,
                               InjectQueue& inject) {
    constexpr std::uint32_t kTaken = kCapacity / 2;
    assert(tail - head == kCapacity);
    (void)tail;
    auto prev = pack(head, head);
    auto next = pack(head + kTaken, head + kTaken);
    if (!head_.compare_exchange_strong(prev, next, std::memory_order_release,
                                       std::memory_order_relaxed))
        return false; // a stealer took some: there is room now
    RawTask* first = buffer_[head & kMask].load(std::memory_order_relaxed);
    RawTask* last = first;
    for (std::uint32_t i = 1; i < kTaken; ++i) {
        auto* t = buffer_[(head + i) & kMask].load(std::memory_order_relaxed);
        last->queue_next = t;
        last = t;
    }
    last->queue_next = task;
    task->queue_next = nullptr;
    inject.push_batch(first, task, kTaken + 1);
    return true;
}

RawTask* LocalQueue::pop() {
    auto head = head_.load(std::memory_order_acquire);
    std::uint32_t idx;
    for (;;) {
        auto [steal, real] = unpack(head);
        auto tail = tail_.load(std::memory_order_relaxed);
        if (real == tail)
            return nullptr;
        auto next_real = real + 1;
        auto next = steal == real ? pack(next_real, next_real) : pack(steal, next_real);
        if (head_.compare_exchange_weak(head, next, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
            idx = real & kMask;
            break;
        }
    }
    return buffer_[idx].load(std::memory_order_relaxed);
}

RawTask* LocalQueue::steal_into(LocalQueue& dst, std::uint32_t& moved) {
    moved = 0;
    auto dst_tail = dst.tail_.load(std::memory_order_relaxed);
    auto [dst_steal, dst_real] = unpack(dst.head_.load(std::memory_order_acquire));
    (void)dst_real;
    if (dst_tail - dst_steal > kCapacity / 2)
        return nullptr; // no room to take half of another queue
    auto n = steal_into2(dst, dst_tail);
    if (n == 0)
        return nullptr;
    moved = n;
    --n;
    auto* ret = dst.buffer_[(dst_tail + n) & kMask].load(std::memory_order_relaxed);
    if (n > 0)
        dst.tail_.store(dst_tail + n, std::memory_order_release);
    return ret;
}

std::uint32_t LocalQueue::steal_into2(LocalQueue& dst, std::uint32_t dst_tail) {
    auto prev = head_.load(std::memory_order_acquire);
    std::uint64_t next;
    std::uint32_t n;
    for (;;) {
        auto [steal, real] = unpack(prev);
        auto tail = tail_.load(std::memory_order_acquire);
        if (steal != real)
            return 0; // someone else is stealing
        n = tail - real;
        n -= n / 2;
        if (n == 0)
            return 0;
        next = pack(steal, real + n);
        if (head_.compare_exchange_weak(prev, next, std::memory_order_acq_rel,
                                        std::memory_order_acquire))
            break;
    }
    auto first = unpack(next).steal;
    for (std::uint32_t i = 0; i < n; ++i) {
        auto* t = buffer_[(first + i) & kMask].load(std::memory_order_relaxed);
        dst.buffer_[(dst_tail + i) & kMask].store(t, std::memory_order_relaxed);
    }
    // Release the claim: steal catches up with real.
    prev = next;
    for (;;) {
        auto real = unpack(prev).real;
        next = pack(real, real);
        if (head_.compare_exchange_weak(prev, next, std::memory_order_acq_rel,
                                        std::memory_order_acquire))
            return n;
    }
}

void InjectQueue::push(RawTask* task) noexcept {
    push_batch(task, task, 1);
}

void InjectQueue::push_batch(RawTask* first, RawTask* last, std::size_t n) noexcept {
    std::lock_guard lk(m_);
    fifo_.push_chain(first, last, n);
    len_.fetch_add(n, std::memory_order_release);
}

RawTask* InjectQueue::pop() noexcept {
    if (empty())
        return nullptr;
    std::lock_guard lk(m_);
    auto* t = fifo_.pop();
    if (t)
        len_.fetch_sub(1, std::memory_order_release);
    return t;
}

} // namespace pollscope::detail
