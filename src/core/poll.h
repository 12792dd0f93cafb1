#pragma once
// Poll<T>: the answer of a future's poll, Ready(value) or Pending, as in Rust's
// std::task::Poll.

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>

namespace pollscope {

struct PendingTag {
    explicit constexpr PendingTag() = default;
};
/// `return Pending;` from any poll() means "not yet; I stored the waker".
inline constexpr PendingTag Pending{};

template <class T> class [[nodiscard]] Poll {
public:
    using value_type = T;
    Poll(PendingTag) {}
    // by reference, not by value: every hop of a value through a future costs a move
    Poll(T&& value)
        : value_(std::move(value)) {}
    Poll(const T& value)
        : value_(value) {}
    template <class U>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
             !std::is_same_v<std::decay_t<U>, PendingTag> && !std::is_same_v<std::decay_t<U>, Poll>)
        Poll(U&& value)
        : value_(std::in_place, std::forward<U>(value)) {}

    bool is_ready() const noexcept { return value_.has_value(); }
    bool is_pending() const noexcept { return !value_.has_value(); }
    explicit operator bool() const noexcept { return is_ready(); }

    T& value() & {
        assert(is_ready());
        return *value_;
    }
    T&& value() && {
        assert(is_ready());
        return std::move(*value_);
    }
    /// Makes the Poll Ready with a value built in place (no move on the way out).
    template <class... Args> T& emplace(Args&&... args) {
        return value_.emplace(std::forward<Args>(args)...);
    }

    /// Moves the value out; the Poll is Pending again afterwards.
    T take() {
        assert(is_ready());
        T v = std::move(*value_);
        value_.reset();
        return v;
    }

private:
    std::optional<T> value_;
};

template <> class [[nodiscard]] Poll<void> {
public:
    using value_type = void;
    Poll(PendingTag) {}
    static Poll ready() { return Poll(true); }

    bool is_ready() const noexcept { return ready_; }
    bool is_pending() const noexcept { return !ready_; }
    explicit operator bool() const noexcept { return ready_; }
    void take() {}

private:
    explicit Poll(bool r)
        : ready_(r) {}
    bool ready_ = false;
};

/// Ready() for Poll<void>; Ready(x) for Poll<T>.
inline Poll<void> Ready() {
    return Poll<void>::ready();
}
template <class T> Poll<std::decay_t<T>> Ready(T&& v) {
    return Poll<std::decay_t<T>>(std::forward<T>(v));
}

} // namespace pollscope
