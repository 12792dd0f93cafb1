#pragma once
// Test helpers for polling futures by hand, without an executor: a waker that
// counts its wakes and its live references, and poll_once().

#include "context.h"
#include "poll.h"
#include "waker.h"

#include <atomic>
#include <utility>

namespace pollscope::test {

/// A waker source that counts wake()/wake_by_ref() calls and the references
/// handed out, so a test can tell "a waker is stored" from "none is".
class CountingWaker {
public:
    CountingWaker()
        : inner_(new Inner) {}
    ~CountingWaker() { unref(inner_); }
    CountingWaker(const CountingWaker&) = delete;
    CountingWaker& operator=(const CountingWaker&) = delete;

    /// A new reference (like cx.waker() cloned by a future).
    Waker waker() const {
        clone(inner_);
        return Waker(&kVTable, inner_);
    }
    int wakes() const noexcept { return inner_->wakes.load(); }
    /// References alive besides this object's own: wakers stored somewhere.
    int stored() const noexcept { return inner_->refs.load() - 1; }
    void reset_wakes() noexcept { inner_->wakes.store(0); }

private:
    struct Inner {
        std::atomic<int> refs{1};
        std::atomic<int> wakes{0};
    };
    static void clone(void* p) { static_cast<Inner*>(p)->refs.fetch_add(1); }
    static void unref(void* p) {
        if (static_cast<Inner*>(p)->refs.fetch_sub(1) == 1)
            delete static_cast<Inner*>(p);
    }
    static void wake(void* p) {
        static_cast<Inner*>(p)->wakes.fetch_add(1);
        unref(p);
    }
    static void wake_by_ref(void* p) { static_cast<Inner*>(p)->wakes.fetch_add(1); }
    static constexpr WakerVTable kVTable{clone, wake, wake_by_ref, unref};

    Inner* inner_;
};

/// Polls `f` once with a waker of `w` (the Context's own waker is a borrowed
/// reference, dropped after the poll, as executors do).
template <Future F> auto poll_once(F& f, const CountingWaker& w) {
    Waker waker = w.waker();
    Context cx(waker);
    return f.poll(cx);
}

/// Polls `f` once with a no-op waker.
template <Future F> auto poll_once(F& f) {
    Waker waker = Waker::noop();
    Context cx(waker);
    return f.poll(cx);
}

} // namespace pollscope::test
