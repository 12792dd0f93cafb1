#pragma once
// block_on_future: polls a future on the calling thread, sleeping between
// polls until its waker fires (Rust's futures::executor::block_on). For plain
// threads only: a worker that blocks here stops its executor.

#include "context.h"
#include "poll.h"
#include "waker.h"

#include <utility>

namespace pollscope {

/// A waker that unparks one thread; reference counted.
class ThreadParker {
public:
    ThreadParker();
    ~ThreadParker();
    ThreadParker(const ThreadParker&) = delete;
    ThreadParker& operator=(const ThreadParker&) = delete;

    Waker waker() const;
    /// Sleeps until woken (returns at once if a wake came since the last park).
    void park();

private:
    struct Inner;

    friend struct ParkerAccess;
    Inner* inner_;
};

template <Future F> future_output_t<F> block_on_future(F& future) {
    ThreadParker parker;
    Waker waker = parker.waker();
    Context cx(waker);
    for (;;) {
        auto p = future.poll(cx);
        if (p.is_ready())
            return p.take();
        parker.park();
    }
}

template <Future F> future_output_t<F> block_on_future(F&& future) {
    F f(std::move(future));
    return block_on_future(f);
}

} // namespace pollscope
