#pragma once
// mpsc: a bounded multi-producer, single-consumer channel (Rust's
// tokio::sync::mpsc::channel). A full channel makes `co_await tx.send(v)` wait,
// never fail or grow; waiting senders are served strictly first come, first
// served: when the receiver takes a value it moves the oldest waiting
// sender's value into the freed slot itself and wakes that sender, so no
// later send can jump the queue.
//
// One SpinMutex (spin_mutex.h) guards the buffer (a ring allocated once), the receiver's
// waker and the intrusive list of waiting senders (the nodes live inside the
// send futures: no allocation per message). Wakers are called after the lock
// is released, and only when someone is waiting.
//
// Cancel safety, as in Tokio: a recv() future takes a value only in the poll
// that returns it, so destroying one (e.g. as the loser of a select) loses
// nothing: the value stays in the channel for the next recv()/try_recv(). A
// send() future puts its value in only in the poll that returns Ready(true),
// so destroying one sends nothing: a freed slot is reserved for the oldest
// waiting sender (which is woken to fill it), and a sender destroyed with a
// reservation passes it on to the next one.
//
// Lifetimes: as in Rust, where these futures borrow their handle, a send
// future must not outlive its Sender nor a recv future its Receiver.

#include "channel_trace.h"
#include "context.h"
#include "coop.h"
#include "poll.h"
#include "resource.h"
#include "ring_buffer.h"
#include "waker.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "spin_mutex.h"
#include <optional>
#include <stdexcept>
#include <utility>

namespace pollscope::mpsc {

/// What try_send says: the value went in, or why it did not (the caller's
/// value is then left untouched).
enum class TrySendResult : std::uint8_t {
    Sent,
    Full,   // every slot is taken (or senders are already waiting): try later
    Closed, // the receiver is gone or closed: no send can ever succeed
};

/// Why try_recv gave no value.
enum class TryRecvError : std::uint8_t {
    Empty,        // nothing buffered now; senders remain
    Disconnected, // nothing buffered and never will be: every sender is gone (or closed)
};

namespace detail {

/// A waiting send: lives in its SendFuture, linked into the channel's FIFO.
/// Every field but `next/prev` ownership is guarded by the channel mutex.
template <class T> struct SendWaiter {
    enum class State : std::uint8_t { Idle, Queued, Granted, Closed };
    SendWaiter* prev = nullptr;
    SendWaiter* next = nullptr;
    State state = State::Idle; // Granted: a slot is reserved for this value (not in yet)
    std::optional<T> value;
    Waker waker;
};

template <class T> struct Chan {
    explicit Chan(std::size_t capacity, std::string_view channel_name = {})
        : buf(capacity)
        , name(channel_name)
        , recv_resource(ResourceKind::MpscRecv, name, std::int64_t(capacity))
        , send_resource(ResourceKind::MpscSend, name, std::int64_t(capacity)) {}

    ::pollscope::detail::SpinMutex m;
    ::pollscope::detail::RingBuffer<T> buf;
    SendWaiter<T>* head = nullptr; // oldest waiting sender
    SendWaiter<T>* tail = nullptr;
    std::size_t reserved = 0; // slots given to woken senders that have not filled them yet
    Waker rx_waker;           // stored by a Pending recv
    bool tx_closed = false;   // every Sender is gone
    bool rx_closed = false;   // the Receiver is gone or called close()
    std::atomic<std::size_t> senders{1};
    const std::string name;       // given at creation, for the trace
    const Resource recv_resource; // a Pending recv waits on it
    const Resource send_resource; // a Pending send (channel full) waits on it

    // Invariant: a sender waits only while every slot is taken or reserved,
    // and a freed slot is reserved for the head waiter at once, so
    // head != nullptr => full().
    bool full() const noexcept { return buf.size() + reserved >= buf.capacity(); }

    /// A slot was freed (or a reservation given back): reserve it for the
    /// oldest waiting sender. Returns its waker, to call after unlock.
    Waker grant_slot_locked() noexcept {
        auto* w = head;
        if (!w || full())
            return {};
        unlink(w);
        ++reserved;
        w->state = SendWaiter<T>::State::Granted;
        return std::move(w->waker);
    }

    void enqueue(SendWaiter<T>* n) noexcept {
        n->prev = tail;
        n->next = nullptr;
        (tail ? tail->next : head) = n;
        tail = n;
    }
    void unlink(SendWaiter<T>* n) noexcept {
        (n->prev ? n->prev->next : head) = n->next;
        (n->next ? n->next->prev : tail) = n->prev;
        n->prev = n->next = nullptr;
    }
    /// Puts `to` where `from` is in the list (a SendFuture was moved).
    void replace(SendWaiter<T>* from, SendWaiter<T>* to) noexcept {
        to->prev = from->prev;
        to->next = from->next;
        (to->prev ? to->prev->next : head) = to;
        (to->next ? to->next->prev : tail) = to;
        from->prev = from->next = nullptr;
    }
    /// Receiver gone or closed: fail every waiting sender. Returns their
    /// wakers chained for waking after unlock. Caller holds the lock.
    void close_rx_locked(Waker* wake_list, std::size_t& n, std::size_t max) noexcept {
        rx_closed = true;
        while (head && n < max) {
            auto* w = head;
            unlink(w);
            w->state = SendWaiter<T>::State::Closed;
            wake_list[n++] = std::move(w->waker);
        }
    }
};

} // namespace detail

template <class T> class Sender;
template <class T> class Receiver;

/// The future of Sender::send(): Ready(true) once the value is in the
/// channel, Ready(false) if the receiver is gone or closed (the value is then
/// dropped). See the file comment for cancel safety.
template <class T> class [[nodiscard]] SendFuture {
    using Waiter = detail::SendWaiter<T>;
    using State = typename Waiter::State;

public:
    template <class U>
    SendFuture(detail::Chan<T>* chan, U&& value)
        : chan_(chan) {
        node_.value.emplace(std::forward<U>(value));
    }
    /// Movable even while waiting: the node is relinked under the lock.
    SendFuture(SendFuture&& o) noexcept
        : chan_(std::exchange(o.chan_, nullptr)) {
        enqueued_ = std::exchange(o.enqueued_, false);
        finished_ = o.finished_;
        if (!enqueued_ || finished_) {
            node_.state = o.node_.state;
            node_.value = std::move(o.node_.value);
            return;
        }
        std::lock_guard lk(chan_->m);
        node_.state = o.node_.state;
        node_.value = std::move(o.node_.value);
        node_.waker = std::move(o.node_.waker);
        if (node_.state == State::Queued)
            chan_->replace(&o.node_, &node_);
        o.node_.state = State::Idle;
    }
    SendFuture& operator=(SendFuture&&) = delete;
    SendFuture(const SendFuture&) = delete;
    SendFuture& operator=(const SendFuture&) = delete;
    ~SendFuture() {
        if (!enqueued_ || finished_ || !chan_)
            return;
        Waker old;
        Waker next_sender;
        {
            std::lock_guard lk(chan_->m);
            if (node_.state == State::Queued) {
                chan_->unlink(&node_);
            } else if (node_.state == State::Granted) {
                // Destroyed before using its reservation: nothing was sent.
                --chan_->reserved;
                next_sender = chan_->grant_slot_locked();
            }
            old = std::move(node_.waker);
        }
        next_sender.wake();
    }

    Poll<bool> poll(Context& cx) {
        if (finished_ || !chan_)
            throw std::logic_error("pollscope::mpsc send future polled after completion");
        if (!coop::poll_proceed(cx))
            return Pending;
        Waker to_wake;
        Waker old;
        bool sent = false;
        {
            std::lock_guard lk(chan_->m);
            switch (node_.state) {
            case State::Queued:
                if (!node_.waker.will_wake(cx.waker()))
                    old = std::exchange(node_.waker, cx.waker());
                note_waits_on(chan_->send_resource);
                return Pending;
            case State::Granted: // a slot was reserved for us: fill it
                --chan_->reserved;
                if (chan_->rx_closed) {
                    sent = false;
                } else {
                    chan_->buf.push(std::move(*node_.value));
                    to_wake = std::move(chan_->rx_waker);
                    sent = true;
                }
                break;
            case State::Closed:
                sent = false;
                break;
            case State::Idle:
                if (chan_->rx_closed) {
                    sent = false;
                } else if (!chan_->full()) {
                    chan_->buf.push(std::move(*node_.value));
                    to_wake = std::move(chan_->rx_waker);
                    sent = true;
                } else {
                    node_.waker = cx.waker();
                    node_.state = State::Queued;
                    chan_->enqueue(&node_);
                    enqueued_ = true;
                    note_waits_on(chan_->send_resource);
                    return Pending;
                }
                break;
            }
            old = std::move(node_.waker);
        }
        finished_ = true;
        node_.value.reset();
        coop::made_progress();
        if (sent)
            ::pollscope::detail::trace_channel_send(ChannelKind::Mpsc, chan_);
        to_wake.wake();
        return sent;
    }

private:
    detail::Chan<T>* chan_;
    Waiter node_;
    bool enqueued_ = false; // node_ was linked once: destruction must take the lock
    bool finished_ = false; // returned Ready
};

/// The sending half: copyable; the channel closes for the receiver when the
/// last copy is gone and the buffer is drained.
template <class T> class Sender {
public:
    Sender() noexcept = default;
    Sender(const Sender& o) noexcept
        : chan_(o.chan_) {
        if (chan_)
            chan_->senders.fetch_add(1, std::memory_order_relaxed);
    }
    Sender(Sender&& o) noexcept = default;
    Sender& operator=(const Sender& o) noexcept {
        if (this != &o)
            *this = Sender(o);
        return *this;
    }
    Sender& operator=(Sender&& o) noexcept {
        if (this != &o) {
            drop();
            chan_ = std::move(o.chan_);
        }
        return *this;
    }
    ~Sender() { drop(); }

    /// `co_await tx.send(v)`: waits while the channel is full; true once the
    /// value is in, false when the receiver is gone or closed.
    template <class U = T>
    requires std::is_constructible_v<T, U&&> SendFuture<T> send(U&& value) {
        if (!chan_)
            throw std::logic_error("pollscope::mpsc::Sender is empty");
        return SendFuture<T>(chan_.get(), std::forward<U>(value));
    }

    /// Sends without waiting. On Full or Closed, `value` is not moved from.
    TrySendResult try_send(T&& value) { return try_send_impl(std::move(value)); }
    TrySendResult try_send(const T& value) { return try_send_impl(value); }

    /// True when the receiver is gone or closed.
    bool is_closed() const {
        if (!chan_)
            return true;
        std::lock_guard lk(chan_->m);
        return chan_->rx_closed;
    }
    std::size_t capacity() const noexcept { return chan_ ? chan_->buf.capacity() : 0; }
    /// True when both send into the same channel.
    bool same_channel(const Sender& o) const noexcept { return chan_ == o.chan_; }

private:
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t, std::string_view);
    explicit Sender(std::shared_ptr<detail::Chan<T>> chan) noexcept
        : chan_(std::move(chan)) {}

    template <class U> TrySendResult try_send_impl(U&& value) {
        if (!chan_)
            return TrySendResult::Closed;
        Waker to_wake;
        {
            std::lock_guard lk(chan_->m);
            if (chan_->rx_closed)
                return TrySendResult::Closed;
            if (chan_->full())
                return TrySendResult::Full;
            chan_->buf.push(std::forward<U>(value));
            to_wake = std::move(chan_->rx_waker);
        }
        ::pollscope::detail::trace_channel_send(ChannelKind::Mpsc, chan_.get());
        to_wake.wake();
        return TrySendResult::Sent;
    }

    void drop() noexcept {
        if (!chan_)
            return;
        if (chan_->senders.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            Waker to_wake;
            {
                std::lock_guard lk(chan_->m);
                chan_->tx_closed = true;
                to_wake = std::move(chan_->rx_waker);
            }
            to_wake.wake();
        }
        chan_.reset();
    }

    std::shared_ptr<detail::Chan<T>> chan_;
};

/// try_recv's answer: a value, or why there is none. Tests true when it
/// holds a value: `while (auto v = rx.try_recv()) use(*v);`.
template <class T> class TryRecvResult {
public:
    explicit TryRecvResult(T value)
        : value_(std::move(value)) {}
    explicit TryRecvResult(TryRecvError e) noexcept
        : error_(e) {}

    bool has_value() const noexcept { return value_.has_value(); }
    explicit operator bool() const noexcept { return has_value(); }
    T& operator*() & { return *value_; }
    T&& operator*() && { return std::move(*value_); }
    T* operator->() { return &*value_; }
    T& value() { return value_.value(); }
    bool is_empty() const noexcept { return !value_ && error_ == TryRecvError::Empty; }
    bool is_disconnected() const noexcept {
        return !value_ && error_ == TryRecvError::Disconnected;
    }
    /// Meaningful only without a value.
    TryRecvError error() const noexcept { return error_; }

private:
    std::optional<T> value_;
    TryRecvError error_ = TryRecvError::Empty;
};

/// The future of Receiver::recv(): Ready with the next value, or nullopt
/// once every sender is gone (or close() was called) and the buffer is empty.
/// Cancel-safe: see the file comment.
template <class T> class [[nodiscard]] RecvFuture {
public:
    explicit RecvFuture(detail::Chan<T>* chan) noexcept
        : chan_(chan) {}
    RecvFuture(RecvFuture&& o) noexcept
        : chan_(std::exchange(o.chan_, nullptr))
        , registered_(std::exchange(o.registered_, false)) {}
    RecvFuture& operator=(RecvFuture&&) = delete;
    RecvFuture(const RecvFuture&) = delete;
    ~RecvFuture() {
        // A cancelled recv takes its waker back, so no stale registration stays.
        if (!registered_ || !chan_)
            return;
        Waker old;
        std::lock_guard lk(chan_->m);
        old = std::move(chan_->rx_waker);
    }

    Poll<std::optional<T>> poll(Context& cx) {
        if (!chan_)
            throw std::logic_error("pollscope::mpsc recv future polled after completion");
        if (!coop::poll_proceed(cx))
            return Pending;
        Poll<std::optional<T>> result = Pending; // the value is moved once, into here
        Waker to_wake;
        Waker old;
        {
            std::lock_guard lk(chan_->m);
            auto& c = *chan_;
            if (!c.buf.empty()) {
                c.buf.pop_into(result.emplace());
                to_wake = c.grant_slot_locked(); // the freed slot goes to the oldest sender
            } else if (!c.tx_closed && !c.rx_closed) {
                if (!c.rx_waker.will_wake(cx.waker()))
                    old = std::exchange(c.rx_waker, cx.waker());
                registered_ = true;
                note_waits_on(c.recv_resource);
                return Pending;
            } else {
                result.emplace(); // closed and empty: Ready(nullopt)
            }
            if (registered_)
                old = std::move(c.rx_waker);
        }
        coop::made_progress();
        if (result.value())
            ::pollscope::detail::trace_channel_recv(ChannelKind::Mpsc, chan_);
        chan_ = nullptr;
        registered_ = false;
        to_wake.wake();
        return result;
    }

private:
    detail::Chan<T>* chan_;
    bool registered_ = false; // our waker may be stored in the channel
};

/// The receiving half: move-only. Dropping it closes the channel (senders get
/// Closed/false) and drops the buffered values.
template <class T> class Receiver {
public:
    Receiver() noexcept = default;
    Receiver(Receiver&&) noexcept = default;
    Receiver& operator=(Receiver&& o) noexcept {
        if (this != &o) {
            drop();
            chan_ = std::move(o.chan_);
        }
        return *this;
    }
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;
    ~Receiver() { drop(); }

    /// `co_await rx.recv()` -> the next value, or nullopt at the end.
    RecvFuture<T> recv() {
        if (!chan_)
            throw std::logic_error("pollscope::mpsc::Receiver is empty");
        return RecvFuture<T>(chan_.get());
    }

    /// Takes a buffered value without waiting.
    TryRecvResult<T> try_recv() {
        if (!chan_)
            return TryRecvResult<T>(TryRecvError::Disconnected);
        std::optional<T> out;
        Waker to_wake;
        {
            std::lock_guard lk(chan_->m);
            auto& c = *chan_;
            if (c.buf.empty())
                return TryRecvResult<T>((c.tx_closed || c.rx_closed) ? TryRecvError::Disconnected
                                                                     : TryRecvError::Empty);
            out.emplace(c.buf.pop());
            to_wake = c.grant_slot_locked();
        }
        ::pollscope::detail::trace_channel_recv(ChannelKind::Mpsc, chan_.get());
        to_wake.wake();
        return TryRecvResult<T>(std::move(*out));
    }

    /// Stops accepting values: senders (waiting or not) fail from now on,
    /// while values already buffered can still be received. Handy for a
    /// graceful shutdown: close, then drain until recv() gives nullopt.
    void close() {
        if (chan_)
            close_and_wake();
    }

    /// Values buffered now.
    std::size_t len() const {
        if (!chan_)
            return 0;
        std::lock_guard lk(chan_->m);
        return chan_->buf.size();
    }
    std::size_t capacity() const noexcept { return chan_ ? chan_->buf.capacity() : 0; }

private:
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t, std::string_view);
    explicit Receiver(std::shared_ptr<detail::Chan<T>> chan) noexcept
        : chan_(std::move(chan)) {}

    void close_and_wake() {
        constexpr std::size_t kBatch = 32;
        for (;;) {
            Waker batch[kBatch];
            std::size_t n = 0;
            bool more;
            {
                std::lock_guard lk(chan_->m);
                chan_->close_rx_locked(batch, n, kBatch);
                more = chan_->head != nullptr;
            }
            for (std::size_t i = 0; i < n; ++i)
                batch[i].wake();
            if (!more)
                return;
        }
    }
    void drop() noexcept {
        if (!chan_)
            return;
        close_and_wake();
        // Values are destroyed outside the lock: one may hold a Sender of this
        // very channel (a task queue), whose drop takes the lock.
        for (;;) {
            std::optional<T> v;
            {
                std::lock_guard lk(chan_->m);
                if (chan_->buf.empty())
                    break;
                v.emplace(chan_->buf.pop());
            }
        }
        chan_.reset();
    }

    std::shared_ptr<detail::Chan<T>> chan_;
};

/// A bounded channel holding up to `capacity` values (at least 1, else
/// std::invalid_argument): `auto [tx, rx] = mpsc::channel<int>(16);`. The
/// name shows in the trace ("mpsc recv 'events' (0/16)").
template <class T>
std::pair<Sender<T>, Receiver<T>> channel(std::size_t capacity, std::string_view name = {}) {
    if (capacity == 0)
        throw std::invalid_argument("pollscope::mpsc::channel: capacity must be at least 1");
    auto chan = std::make_shared<detail::Chan<T>>(capacity, name);
    return {Sender<T>(chan), Receiver<T>(chan)};
}

} // namespace pollscope::mpsc
