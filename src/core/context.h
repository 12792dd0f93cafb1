#pragma once
// Context: what an executor hands to poll(): the waker of the task being polled.

#include "waker.h"

#include <concepts>
#include <type_traits>

namespace pollscope {

class Context {
public:
    explicit Context(const Waker& waker) noexcept
        : waker_(&waker) {}
    const Waker& waker() const noexcept { return *waker_; }

private:
    const Waker* waker_;
};

template <class T> class Poll;

namespace detail {
template <class P> struct PollValue;
template <class T> struct PollValue<Poll<T>> { using type = T; };
} // namespace detail

/// A future is anything with `poll(Context&) -> Poll<T>`; Task<T> is one too.
template <class F>
concept Future = requires(F& f, Context& cx) {
    typename detail::PollValue<std::remove_cvref_t<decltype(f.poll(cx))>>::type;
};

template <Future F>
using future_output_t = typename detail::PollValue<
    std::remove_cvref_t<decltype(std::declval<F&>().poll(std::declval<Context&>()))>>::type;

} // namespace pollscope
