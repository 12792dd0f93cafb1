#pragma once
// oneshot: a channel for exactly one value, from one sender to one receiver
// (Rust's tokio::sync::oneshot). The receiver is a future: Ready with the
// value, or with nullopt when the sender was dropped without sending or the
// receiver was closed before a value came (Tokio's Err(RecvError)). Either
// side may live on any thread; a mutex guards the shared cell, and wakers are
// called after it is released.

#include "channel_trace.h"
#include "context.h"
#include "coop.h"
#include "poll.h"
#include "resource.h"
#include "waker.h"

#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace pollscope::oneshot {

namespace detail {
template <class T> struct Shared {
    explicit Shared(std::string_view channel_name = {})
        : name(channel_name)
        , recv_resource(ResourceKind::OneshotRecv, name) {}
    const std::string name;       // given at creation, for the trace
    const Resource recv_resource; // a Pending receive waits on it
    std::mutex m;
    std::optional<T> value;
    bool sender_gone = false;   // sent, or dropped without sending
    bool receiver_gone = false; // dropped or closed: sending is pointless
    Waker rx_waker;             // stored by a Pending poll of the receiver
};
} // namespace detail

/// The result of Sender::send: true when delivered; otherwise (the receiver
/// is gone) the value comes back in `returned`.
template <class T> struct SendResult {
    bool sent = false;
    std::optional<T> returned;
    explicit operator bool() const noexcept { return sent; }
};

template <class T> class Sender {
public:
    Sender() noexcept = default;
    explicit Sender(std::shared_ptr<detail::Shared<T>> s) noexcept
        : s_(std::move(s)) {}
    Sender(Sender&&) noexcept = default;
    Sender& operator=(Sender&& o) noexcept {
        if (this != &o) {
            drop();
            s_ = std::move(o.s_);
        }
        return *this;
    }
    Sender(const Sender&) = delete;
    Sender& operator=(const Sender&) = delete;
    /// Dropping an unused sender makes the receiver Ready with nullopt.
    ~Sender() { drop(); }

    /// Sends the value and uses the sender up (it is empty afterwards). Fails,
    /// handing the value back, when the receiver is gone or the sender empty.
    SendResult<T> send(T value) {
        if (!s_)
            return {false, std::move(value)};
        Waker w;
        bool refused = false;
        {
            std::lock_guard lk(s_->m);
            refused = s_->receiver_gone;
            if (!refused)
                s_->value.emplace(std::move(value));
            s_->sender_gone = true;
            w = std::move(s_->rx_waker);
        }
        if (refused) { // used up all the same, as a Tokio Sender is by send()
            s_.reset();
            w.wake();
            return {false, std::move(value)};
        }
        ::pollscope::detail::trace_channel_send(ChannelKind::Oneshot, s_.get());
        s_.reset();
        w.wake();
        return {true, std::nullopt};
    }

    /// True when the receiver is gone (a send would fail).
    bool is_closed() const {
        if (!s_)
            return true;
        std::lock_guard lk(s_->m);
        return s_->receiver_gone;
    }

private:
    void drop() noexcept {
        if (!s_)
            return;
        Waker w;
        {
            std::lock_guard lk(s_->m);
            s_->sender_gone = true;
            w = std::move(s_->rx_waker);
        }
        s_.reset();
        w.wake();
    }
    std::shared_ptr<detail::Shared<T>> s_;
};

/// A future: Ready with the value, or nullopt if the sender was dropped
/// unused. Polling it again after Ready throws std::logic_error.
template <class T> class [[nodiscard]] Receiver {
public:
    Receiver() noexcept = default;
    explicit Receiver(std::shared_ptr<detail::Shared<T>> s) noexcept
        : s_(std::move(s)) {}
    Receiver(Receiver&&) noexcept = default;
    Receiver& operator=(Receiver&& o) noexcept {
        if (this != &o) {
            drop();
            s_ = std::move(o.s_);
        }
        return *this;
    }
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;
    ~Receiver() { drop(); }

    Poll<std::optional<T>> poll(Context& cx) {
        if (!s_)
            throw std::logic_error("pollscope::oneshot::Receiver polled after completion");
        if (!coop::poll_proceed(cx))
            return Pending;
        std::optional<T> out;
        Waker old; // a replaced waker is dropped after the lock is released
        {
            std::lock_guard lk(s_->m);
            // closed by us: a value already sent is still delivered, else none will come
            if (!s_->sender_gone && !s_->receiver_gone) {
                if (!s_->rx_waker.will_wake(cx.waker()))
                    old = std::exchange(s_->rx_waker, cx.waker());
                note_waits_on(s_->recv_resource);
                return Pending;
            }
            out = std::move(s_->value);
            s_->value.reset();
            old = std::move(s_->rx_waker);
        }
        coop::made_progress();
        if (out)
            ::pollscope::detail::trace_channel_recv(ChannelKind::Oneshot, s_.get());
        s_.reset();
        return out;
    }

    /// Takes the value if it has been sent; nullopt otherwise (not yet, or
    /// never). Does not wait and does not use the receiver up.
    std::optional<T> try_recv() {
        if (!s_)
            return std::nullopt;
        std::optional<T> out;
        {
            std::lock_guard lk(s_->m);
            out = std::move(s_->value);
            s_->value.reset();
        }
        if (out)
            ::pollscope::detail::trace_channel_recv(ChannelKind::Oneshot, s_.get());
        return out;
    }

    /// Refuses the value: a later send fails and gives it back, and a poll
    /// with no value is Ready(nullopt). A value already sent can still be
    /// taken with try_recv or by polling.
    void close() {
        if (!s_)
            return;
        std::lock_guard lk(s_->m);
        s_->receiver_gone = true;
    }

private:
    void drop() noexcept {
        if (!s_)
            return;
        Waker old;
        {
            std::lock_guard lk(s_->m);
            s_->receiver_gone = true;
            old = std::move(s_->rx_waker);
        }
        s_.reset();
    }
    std::shared_ptr<detail::Shared<T>> s_;
};

/// A new oneshot channel: `auto [tx, rx] = oneshot::channel<int>();`; the
/// name shows in the trace.
template <class T> std::pair<Sender<T>, Receiver<T>> channel(std::string_view name = {}) {
    auto s = std::make_shared<detail::Shared<T>>(name);
    return {Sender<T>(s), Receiver<T>(s)};
}

} // namespace pollscope::oneshot
