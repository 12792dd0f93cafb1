#pragma once
// Stream<T>: an async generator. The body may `co_await` any future (polled
// exactly as in Task: the awaited future becomes the leaf, and the body
// resumes only when the leaf is Ready, the await line is recorded) and hands
// out values with `co_yield v`. The consumer pulls them one at a time:
//
//     Stream<int> numbers() { for (int i = 0; i < 3; ++i) { co_await yield_now(); co_yield i; } }
//     auto s = numbers();
//     while (auto v = co_await s.next()) use(*v);
//
// Nothing runs until the first next() is polled. Each value is produced on
// demand (one at a time, no buffering). next() is cancel-safe: a next future
// destroyed while the body waits leaves the body waiting where it was, and
// the following next() continues from there; no value is lost.
// Destroying the Stream destroys the coroutine frame, cancelling the body.

#include "context.h"
#include "hooks.h"
#include "poll.h"
#include "task.h"

#include <coroutine>
#include <exception>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace pollscope {

template <class T> class Stream;

namespace detail {

/// Task's promise machinery (frame pool, leaf, error) plus the yielded value.
template <class T> struct StreamPromise : PromiseBase {
    std::optional<T> current;

    Stream<T> get_return_object() noexcept;
    void return_void() noexcept {}

    template <class U>
    requires std::is_convertible_v<U&&, T> std::suspend_always yield_value(U&& v) {
        current.emplace(std::forward<U>(v));
        return {};
    }

    /// Only futures may be awaited; the default argument names the co_await's line.
    template <class F>
    requires Future<std::remove_reference_t<F>> FutureAwaiter<std::remove_reference_t<F>>
    await_transform(F&& future, std::source_location loc = std::source_location::current()) {
        return FutureAwaiter<std::remove_reference_t<F>>(*this, future, loc);
    }
};

} // namespace detail

template <class T> class [[nodiscard]] Stream {
    static_assert(!std::is_void_v<T> && !std::is_reference_v<T>,
                  "Stream<T> yields values: T must be an object type");

public:
    using promise_type = detail::StreamPromise<T>;
    using Handle = std::coroutine_handle<promise_type>;
    using Item = T;

    Stream() noexcept = default;
    explicit Stream(Handle h) noexcept
        : frame_(h) {}

    bool valid() const noexcept { return static_cast<bool>(frame_); }
    /// True once the body has returned (or thrown and the error was delivered).
    bool done() const noexcept { return !frame_ || frame_.done(); }
    /// Destroys the body's frame and everything it awaits.
    void reset() noexcept { frame_.reset(); }

    /// Runs the body to its next co_yield (Ready(value)) or its end
    /// (Ready(nullopt)); Pending while it awaits a future that is Pending.
    /// An exception escaping the body is rethrown here, once; the stream is
    /// finished afterwards.
    Poll<std::optional<T>> poll_next(Context& cx) {
        if (done())
            return std::optional<T>();
        if (!frame_.step(cx))
            return Pending;
        auto& p = frame_.promise();
        if (p.current) {
            std::optional<T> out(std::move(p.current));
            p.current.reset();
            return out;
        }
        if (!frame_.done())
            return Pending;
        if (p.error)
            std::rethrow_exception(std::exchange(p.error, nullptr));
        return std::optional<T>();
    }

    /// The future of next(): Ready with the next value, or nullopt at the end.
    class [[nodiscard]] Next {
    public:
        explicit Next(Stream& s) noexcept
            : s_(&s) {}
        Poll<std::optional<T>> poll(Context& cx) { return s_->poll_next(cx); }

    private:
        Stream* s_;
    };

    /// `co_await s.next()` -> std::optional<T>; nullopt once the body ended.
    /// The stream must outlive the returned future.
    Next next() noexcept { return Next(*this); }

private:
    detail::CoroutineFrame<promise_type> frame_;
};

template <class T> Stream<T> detail::StreamPromise<T>::get_return_object() noexcept {
    return Stream<T>(std::coroutine_handle<StreamPromise>::from_promise(*this));
}

} // namespace pollscope
