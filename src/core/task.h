#pragma once
// Task<T>: a C++20 coroutine that is itself a future. `co_await f` polls f at
// once; on Pending the coroutine suspends and remembers f as its leaf. The
// task's next poll polls that leaf and resumes the coroutine only when it is
// Ready, so a spurious wake is a Pending poll, exactly as in Rust.

#include "context.h"
#include "hooks.h"
#include "poll.h"

#include <coroutine>
#include <exception>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace pollscope {

template <class T = void> class Task;

namespace detail {

/// Recycles coroutine frames per thread by size class: spawning is the hot path.
void* allocate_frame(std::size_t size);
void deallocate_frame(void* p, std::size_t size) noexcept;

struct PromiseBase {
    Context* cx = nullptr;
    bool (*leaf_poll)(void* awaiter, Context& cx) = nullptr;
    void* leaf = nullptr;
    std::exception_ptr error;

    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* p, std::size_t size) noexcept { deallocate_frame(p, size); }

    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <class F> class FutureAwaiter {
public:
    using Output = future_output_t<F>;

    FutureAwaiter(PromiseBase& promise, F& future, std::source_location loc) noexcept
        : promise_(&promise)
        , future_(&future)
        , loc_(loc) {}

    bool await_ready() {
        // The analyzer cannot see that a polled coroutine's promise always
        // has its context set (the frame is the caller's); .clang-tidy cannot
        // switch this core check off, so it is silenced here.
        // NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage)
        if (try_poll(*promise_->cx))
            return true;
        note_await_site(loc_);
        promise_->leaf = this;
        promise_->leaf_poll = &poll_leaf;
        return false;
    }
    void await_suspend(std::coroutine_handle<>) noexcept {}
    Output await_resume() {
        if (error_)
            std::rethrow_exception(std::move(error_));
        if constexpr (!std::is_void_v<Output>)
            return std::move(*out_);
    }

private:
    static bool poll_leaf(void* self, Context& cx) {
        auto* a = static_cast<FutureAwaiter*>(self);
        if (a->try_poll(cx))
            return true;
        note_await_site(a->loc_);
        return false;
    }
    // An exception from the leaf is handed to the awaiting coroutine's body.
    bool try_poll(Context& cx) {
        try {
            auto p = future_->poll(cx);
            if (p.is_pending())
                return false;
            if constexpr (std::is_void_v<Output>)
                out_ = true;
            else
                out_.emplace(std::move(p.value()));
            return true;
        } catch (...) {
            error_ = std::current_exception();
            return true;
        }
    }

    PromiseBase* promise_;
    F* future_;
    std::source_location loc_;
    std::conditional_t<std::is_void_v<Output>, bool, std::optional<Output>> out_{};
    std::exception_ptr error_;
};

template <class T> struct Promise;

template <class T> struct PromiseWithValue : PromiseBase {
    std::optional<T> value;
    template <class U>
    requires std::is_convertible_v<U&&, T>
    void return_value(U&& v) { value.emplace(std::forward<U>(v)); }
};
struct PromiseVoid : PromiseBase {
    void return_void() noexcept {}
};

template <class T>
struct Promise : std::conditional_t<std::is_void_v<T>, PromiseVoid, PromiseWithValue<T>> {
    Task<T> get_return_object() noexcept;

    /// Only futures may be awaited; the default argument names the co_await's line.
    template <class F>
    requires Future<std::remove_reference_t<F>> FutureAwaiter<std::remove_reference_t<F>>
    await_transform(F&& future, std::source_location loc = std::source_location::current()) {
        return FutureAwaiter<std::remove_reference_t<F>>(*this, future, loc);
    }
};

/// Owns a coroutine frame (move-only; destroying it cancels the body) and
/// runs one step of the poll protocol shared by Task and Stream: poll the
/// leaf the body waits on, and resume the body only when that leaf is Ready.
template <class P> class CoroutineFrame {
public:
    using Handle = std::coroutine_handle<P>;

    CoroutineFrame() noexcept = default;
    explicit CoroutineFrame(Handle h) noexcept
        : h_(h) {}
    CoroutineFrame(CoroutineFrame&& o) noexcept
        : h_(std::exchange(o.h_, {})) {}
    CoroutineFrame& operator=(CoroutineFrame&& o) noexcept {
        if (this != &o) {
            reset();
            h_ = std::exchange(o.h_, {});
        }
        return *this;
    }
    CoroutineFrame(const CoroutineFrame&) = delete;
    CoroutineFrame& operator=(const CoroutineFrame&) = delete;
    ~CoroutineFrame() { reset(); }

    void reset() noexcept {
        if (h_)
            std::exchange(h_, {}).destroy();
    }
    explicit operator bool() const noexcept { return static_cast<bool>(h_); }
    bool done() const noexcept { return h_ && h_.done(); }
    P& promise() const noexcept { return h_.promise(); }

    /// False when the leaf is still Pending: the body was not resumed.
    bool step(Context& cx) {
        auto& p = h_.promise();
        if (p.leaf) {
            if (!p.leaf_poll(p.leaf, cx))
                return false;
            p.leaf = nullptr;
        }
        p.cx = &cx;
        h_.resume();
        p.cx = nullptr;
        return true;
    }

private:
    Handle h_;
};

} // namespace detail

template <class T> class [[nodiscard]] Task {
public:
    using promise_type = detail::Promise<T>;
    using Handle = std::coroutine_handle<promise_type>;
    using Output = T;

    Task() noexcept = default;
    explicit Task(Handle h) noexcept
        : frame_(h) {}

    bool valid() const noexcept { return static_cast<bool>(frame_); }
    bool done() const noexcept { return frame_.done(); }
    /// Destroys the coroutine frame (and every future it holds): cancellation.
    void reset() noexcept { frame_.reset(); }

    /// Polls the leaf the coroutine waits on; resumes it only when that leaf is
    /// Ready. An exception escaping the body is rethrown here.
    Poll<T> poll(Context& cx) {
        if (!frame_ || frame_.done())
            throw std::logic_error("pollscope::Task polled after completion");
        if (!frame_.step(cx) || !frame_.done())
            return Pending;
        auto& p = frame_.promise();
        if (p.error)
            std::rethrow_exception(std::exchange(p.error, nullptr));
        if constexpr (std::is_void_v<T>)
            return Ready();
        else
            return Poll<T>(std::move(*p.value));
    }

private:
    detail::CoroutineFrame<promise_type> frame_;
};

template <class T> Task<T> detail::Promise<T>::get_return_object() noexcept {
    return Task<T>(std::coroutine_handle<Promise>::from_promise(*this));
}

} // namespace pollscope
