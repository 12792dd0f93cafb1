#pragma once
// RingBuffer<T>: a fixed-capacity FIFO allocated once, so a bounded channel
// costs no allocation per message. Not synchronised: its owner locks.

#include <cassert>
#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace pollscope::detail {

template <class T> class RingBuffer {
public:
    explicit RingBuffer(std::size_t capacity)
        : slots_(std::allocator<T>().allocate(capacity))
        , capacity_(capacity) {}
    ~RingBuffer() {
        clear();
        std::allocator<T>().deallocate(slots_, capacity_);
    }
    RingBuffer(const RingBuffer&) = delete;
    RingBuffer& operator=(const RingBuffer&) = delete;

    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return capacity_; }
    bool empty() const noexcept { return size_ == 0; }
    bool full() const noexcept { return size_ == capacity_; }

    /// Appends at the back; the buffer must not be full.
    template <class U> void push(U&& value) {
        assert(!full());
        std::size_t tail = head_ + size_;
        if (tail >= capacity_)
            tail -= capacity_;
        std::construct_at(slots_ + tail, std::forward<U>(value));
        ++size_;
    }

    /// Moves the front into `out` and removes it; the buffer must not be empty.
    template <class Opt> void pop_into(Opt& out) {
        assert(!empty());
        T* slot = slots_ + head_;
        out.emplace(std::move(*slot));
        std::destroy_at(slot);
        if (++head_ == capacity_)
            head_ = 0;
        --size_;
    }

    /// Removes and returns the front; the buffer must not be empty.
    T pop() {
        assert(!empty());
        T* slot = slots_ + head_;
        T out(std::move(*slot));
        std::destroy_at(slot);
        if (++head_ == capacity_)
            head_ = 0;
        --size_;
        return out;
    }

    void clear() noexcept {
        while (size_ != 0) {
            std::destroy_at(slots_ + head_);
            if (++head_ == capacity_)
                head_ = 0;
            --size_;
        }
    }

private:
    T* slots_;
    std::size_t capacity_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

} // namespace pollscope::detail
