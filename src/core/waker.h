#pragma once
// Waker: a cheap, reference-counted handle that tells an executor "poll this
// task again". Like Rust's RawWaker, it is a data pointer plus a table of four
// functions, so tasks, threads and test doubles can all be woken the same way.

#include <utility>

namespace pollscope {

struct WakerVTable {
    void (*clone)(void* data);       // add a reference
    void (*wake)(void* data);        // wake and release the reference
    void (*wake_by_ref)(void* data); // wake, keep the reference
    void (*drop)(void* data);        // release the reference
};

class Waker {
public:
    Waker() noexcept = default;
    /// Adopts one reference already counted in `data`.
    Waker(const WakerVTable* vtable, void* data) noexcept
        : vtable_(vtable)
        , data_(data) {}
    Waker(const Waker& other) noexcept
        : vtable_(other.vtable_)
        , data_(other.data_) {
        if (vtable_)
            vtable_->clone(data_);
    }
    Waker(Waker&& other) noexcept
        : vtable_(std::exchange(other.vtable_, nullptr))
        , data_(std::exchange(other.data_, nullptr)) {}
    Waker& operator=(const Waker& other) noexcept {
        if (this != &other)
            *this = Waker(other);
        return *this;
    }
    Waker& operator=(Waker&& other) noexcept {
        if (this != &other) {
            reset();
            vtable_ = std::exchange(other.vtable_, nullptr);
            data_ = std::exchange(other.data_, nullptr);
        }
        return *this;
    }
    ~Waker() { reset(); }

    /// Wakes the task and consumes this waker (it is empty afterwards).
    void wake() noexcept {
        if (auto* vt = std::exchange(vtable_, nullptr))
            vt->wake(std::exchange(data_, nullptr));
    }
    void wake_by_ref() const noexcept {
        if (vtable_)
            vtable_->wake_by_ref(data_);
    }
    /// True when both wake the same task: lets a future skip re-storing its waker.
    bool will_wake(const Waker& other) const noexcept {
        return vtable_ == other.vtable_ && data_ == other.data_;
    }
    bool valid() const noexcept { return vtable_ != nullptr; }
    explicit operator bool() const noexcept { return valid(); }
    void reset() noexcept {
        if (auto* vt = std::exchange(vtable_, nullptr))
            vt->drop(std::exchange(data_, nullptr));
    }
    /// Empties the waker without dropping its reference (for borrowed wakers).
    void* into_raw() noexcept {
        vtable_ = nullptr;
        return std::exchange(data_, nullptr);
    }
    void* data() const noexcept { return data_; }
    const WakerVTable* vtable() const noexcept { return vtable_; }

    /// A waker that does nothing (for polling by hand in tests).
    static Waker noop() noexcept;

private:
    const WakerVTable* vtable_ = nullptr;
    void* data_ = nullptr;
};

} // namespace pollscope
