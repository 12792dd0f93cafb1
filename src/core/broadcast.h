#pragma once
// broadcast: a bounded multi-producer, multi-consumer channel where every
// receiver sees every value sent after it subscribed (Rust's
// tokio::sync::broadcast). Values live in a ring of `capacity` slots; a slot
// remembers its position and how many receivers still have to read it, and
// the last reader moves the value out instead of copying it. A receiver that
// falls more than `capacity` values behind gets Lagged{missed} once and then
// continues from the oldest value still kept. Senders never wait.
//
// This is the shutdown signal of the design: each loop selects between its
// work and `shutdown.recv()`; recv() is cancel-safe (a destroyed recv future
// consumed nothing), so losing a select loses no value.
//
// One std::mutex guards everything; wakers are called after it is released,
// in batches of 32 so a send to many waiting receivers allocates nothing.
// As in Rust, a recv future must not outlive (nor see moved) its Receiver.
//
// Traced (channel_trace.h): each send and received value, each receiver's
// creation and drop (subscribe / unsubscribe) and each Lagged{missed}.

#include "channel_trace.h"
#include "context.h"
#include "coop.h"
#include "poll.h"
#include "resource.h"
#include "waker.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pollscope::broadcast {

/// Why Sender::send delivered to nobody.
enum class SendError : std::uint8_t {
    NoReceivers, // no receiver exists: the value was dropped
};

/// Sender::send's answer: true when at least one receiver will see the value.
struct SendResult {
    std::size_t receivers = 0;      // receivers subscribed when it was sent
    std::optional<SendError> error; // set when receivers == 0
    explicit operator bool() const noexcept { return !error; }
};

enum class RecvStatus : std::uint8_t {
    Value,  // value() holds the next value
    Lagged, // missed() values were overwritten before this receiver read them
    Closed, // every sender is gone and everything sent was read
    Empty,  // (try_recv only) nothing new yet
};

/// What recv()/try_recv() give: a value or why not. Tests true with a value.
template <class T> class RecvResult {
public:
    static RecvResult of(T v) { return RecvResult(RecvStatus::Value, std::move(v), 0); }
    static RecvResult lagged(std::uint64_t n) { return RecvResult(RecvStatus::Lagged, {}, n); }
    static RecvResult closed() { return RecvResult(RecvStatus::Closed, {}, 0); }
    static RecvResult empty() { return RecvResult(RecvStatus::Empty, {}, 0); }

    RecvStatus status() const noexcept { return status_; }
    bool has_value() const noexcept { return status_ == RecvStatus::Value; }
    explicit operator bool() const noexcept { return has_value(); }
    bool is_lagged() const noexcept { return status_ == RecvStatus::Lagged; }
    bool is_closed() const noexcept { return status_ == RecvStatus::Closed; }
    bool is_empty() const noexcept { return status_ == RecvStatus::Empty; }
    /// How many values were skipped (Lagged only).
    std::uint64_t missed() const noexcept { return missed_; }
    T& value() { return value_.value(); }
    T& operator*() { return *value_; }
    T* operator->() { return &*value_; }

private:
    RecvResult(RecvStatus s, std::optional<T> v, std::uint64_t missed)
        : value_(std::move(v))
        , missed_(missed)
        , status_(s) {}
    std::optional<T> value_;
    std::uint64_t missed_ = 0;
    RecvStatus status_;
};

namespace detail {

struct RecvWaiter {
    RecvWaiter* prev = nullptr;
    RecvWaiter* next = nullptr;
    bool queued = false;
    Waker waker;
};

template <class T> struct Shared {
    struct Slot {
        std::uint64_t pos = UINT64_MAX; // position last written here (MAX: never)
        std::size_t remaining = 0;      // receivers that have yet to read it
        std::optional<T> value;
    };

    explicit Shared(std::size_t capacity, std::string_view channel_name = {})
        : name(channel_name)
        , recv_resource(ResourceKind::BroadcastRecv, name, std::int64_t(capacity))
        , ring(capacity) {}

    const std::string name;       // given at creation, for the trace
    const Resource recv_resource; // a Pending recv waits on it

    std::mutex m;
    std::vector<Slot> ring; // not "slots": a Qt keyword
    std::uint64_t tail = 0; // position of the next value sent
    std::size_t senders = 1;
    std::size_t receivers = 1;
    bool closed = false; // every sender is gone
    RecvWaiter* head = nullptr;
    RecvWaiter* last = nullptr;

    Slot& slot(std::uint64_t pos) noexcept { return ring[pos % ring.size()]; }

    void enqueue(RecvWaiter* w) noexcept {
        w->prev = last;
        w->next = nullptr;
        (last ? last->next : head) = w;
        last = w;
        w->queued = true;
    }
    void unlink(RecvWaiter* w) noexcept {
        (w->prev ? w->prev->next : head) = w->next;
        (w->next ? w->next->prev : last) = w->prev;
        w->prev = w->next = nullptr;
        w->queued = false;
    }

    /// The next result for a receiver at `next`; Empty means "wait".
    RecvResult<T> try_recv_locked(std::uint64_t& next) {
        if (next == tail)
            return closed ? RecvResult<T>::closed() : RecvResult<T>::empty();
        Slot& s = slot(next);
        if (s.pos != next) {
            // Overwritten: skip to the oldest value still kept.
            std::uint64_t oldest = tail - ring.size();
            std::uint64_t missed = oldest - next;
            next = oldest;
            return RecvResult<T>::lagged(missed);
        }
        ++next;
        if (--s.remaining == 0) {
            auto out = RecvResult<T>::of(std::move(*s.value));
            s.value.reset();
            return out;
        }
        return RecvResult<T>::of(*s.value);
    }

    /// Wakes every waiting receiver, in batches, never under the lock.
    /// Called with `lk` held; returns with it released.
    void wake_all(std::unique_lock<std::mutex>& lk) noexcept {
        constexpr std::size_t kBatch = 32;
        for (;;) {
            Waker batch[kBatch];
            std::size_t n = 0;
            while (head && n < kBatch) {
                auto* w = head;
                unlink(w);
                batch[n++] = std::move(w->waker);
            }
            bool more = head != nullptr;
            lk.unlock();
            for (std::size_t i = 0; i < n; ++i)
                batch[i].wake();
            if (!more)
                return;
            lk.lock();
        }
    }
};

} // namespace detail

template <class T> class Receiver;

/// The sending half: copyable (every copy counts as a sender).
template <class T> class Sender {
public:
    Sender() noexcept = default;
    Sender(const Sender& o)
        : s_(o.s_) {
        if (s_) {
            std::lock_guard lk(s_->m);
            ++s_->senders;
        }
    }
    Sender(Sender&&) noexcept = default;
    Sender& operator=(const Sender& o) {
        if (this != &o)
            *this = Sender(o);
        return *this;
    }
    Sender& operator=(Sender&& o) noexcept {
        if (this != &o) {
            drop();
            s_ = std::move(o.s_);
        }
        return *this;
    }
    /// The last sender gone closes the channel: receivers get Closed once
    /// they have read everything.
    ~Sender() { drop(); }

    /// Sends to every current receiver (never waits; overwrites the oldest
    /// value when full). Returns how many receivers will see it, or the
    /// NoReceivers error (the value is dropped).
    SendResult send(T value) {
        if (!s_)
            return {0, SendError::NoReceivers};
        std::unique_lock lk(s_->m);
        auto& sh = *s_;
        if (sh.receivers == 0)
            return {0, SendError::NoReceivers};
        auto& slot = sh.slot(sh.tail);
        slot.pos = sh.tail;
        slot.remaining = sh.receivers;
        slot.value.emplace(std::move(value));
        ++sh.tail;
        std::size_t n = sh.receivers;
        if (sh.head)
            sh.wake_all(lk); // unlocks
        else
            lk.unlock();
        ::pollscope::detail::trace_channel_send(ChannelKind::Broadcast, s_.get());
        return {n, std::nullopt};
    }

    /// A new receiver that sees every value sent from now on.
    Receiver<T> subscribe() const {
        if (!s_)
            throw std::logic_error("pollscope::broadcast::Sender is empty");
        std::uint64_t tail = 0;
        {
            std::lock_guard lk(s_->m);
            ++s_->receivers;
            tail = s_->tail;
        }
        ::pollscope::detail::trace_broadcast_subscribe(s_.get());
        return Receiver<T>(s_, tail);
    }

    std::size_t receiver_count() const {
        if (!s_)
            return 0;
        std::lock_guard lk(s_->m);
        return s_->receivers;
    }

private:
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t, std::string_view);
    explicit Sender(std::shared_ptr<detail::Shared<T>> s) noexcept
        : s_(std::move(s)) {}

    void drop() noexcept {
        if (!s_)
            return;
        {
            std::unique_lock lk(s_->m);
            if (--s_->senders == 0) {
                s_->closed = true;
                s_->wake_all(lk);
            }
        }
        s_.reset();
    }

    std::shared_ptr<detail::Shared<T>> s_;
};

/// The future of Receiver::recv(). Cancel-safe: it consumes a value only in
/// the poll that returns it; destroyed earlier, it just unregisters.
template <class T> class [[nodiscard]] RecvFuture {
public:
    RecvFuture(detail::Shared<T>* s, std::uint64_t* next) noexcept
        : s_(s)
        , next_(next) {}
    RecvFuture(const RecvFuture&) = delete;
    RecvFuture& operator=(const RecvFuture&) = delete;
    RecvFuture& operator=(RecvFuture&&) = delete;
    /// Movable while waiting: the waiter is relinked under the lock.
    RecvFuture(RecvFuture&& o) noexcept
        : s_(o.s_)
        , next_(o.next_)
        , registered_(std::exchange(o.registered_, false)) {
        if (!registered_)
            return;
        std::lock_guard lk(s_->m);
        if (o.node_.queued) {
            auto* prev = o.node_.prev;
            s_->unlink(&o.node_);
            // Re-insert at the same place in the list.
            node_.prev = prev;
            node_.next = prev ? prev->next : s_->head;
            (prev ? prev->next : s_->head) = &node_;
            (node_.next ? node_.next->prev : s_->last) = &node_;
            node_.queued = true;
        }
        node_.waker = std::move(o.node_.waker);
    }
    ~RecvFuture() {
        if (!registered_)
            return;
        Waker old;
        std::lock_guard lk(s_->m);
        if (node_.queued)
            s_->unlink(&node_);
        old = std::move(node_.waker);
    }

    /// Ready with a value, Lagged or Closed; never Empty.
    Poll<RecvResult<T>> poll(Context& cx) {
        if (!coop::poll_proceed(cx))
            return Pending;
        std::optional<RecvResult<T>> out;
        Waker old;
        {
            std::lock_guard lk(s_->m);
            auto r = s_->try_recv_locked(*next_);
            if (r.is_empty()) {
                if (!node_.queued) {
                    old = std::exchange(node_.waker, cx.waker());
                    s_->enqueue(&node_);
                    registered_ = true;
                } else if (!node_.waker.will_wake(cx.waker())) {
                    old = std::exchange(node_.waker, cx.waker());
                }
                note_waits_on(s_->recv_resource);
                return Pending;
            }
            if (node_.queued)
                s_->unlink(&node_);
            old = std::move(node_.waker);
            out.emplace(std::move(r));
        }
        registered_ = false;
        coop::made_progress();
        if (out->has_value())
            ::pollscope::detail::trace_channel_recv(ChannelKind::Broadcast, s_);
        else if (out->is_lagged())
            ::pollscope::detail::trace_broadcast_lag(s_, out->missed());
        return std::move(*out);
    }

private:
    detail::Shared<T>* s_;
    std::uint64_t* next_; // the receiver's read position
    detail::RecvWaiter node_;
    bool registered_ = false; // node_ may be linked: destruction takes the lock
};

/// The receiving half: move-only; dropping it decrements receiver_count()
/// and releases its claim on every value it had not read.
template <class T> class Receiver {
public:
    Receiver() noexcept = default;
    Receiver(Receiver&& o) noexcept
        : s_(std::move(o.s_))
        , next_(o.next_) {}
    Receiver& operator=(Receiver&& o) noexcept {
        if (this != &o) {
            drop();
            s_ = std::move(o.s_);
            next_ = o.next_;
        }
        return *this;
    }
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;
    ~Receiver() { drop(); }

    /// `co_await rx.recv()` -> the next value, Lagged{missed} or Closed.
    RecvFuture<T> recv() {
        if (!s_)
            throw std::logic_error("pollscope::broadcast::Receiver is empty");
        return RecvFuture<T>(s_.get(), &next_);
    }

    /// Like recv() without waiting: Empty when nothing new has been sent.
    RecvResult<T> try_recv() {
        if (!s_)
            return RecvResult<T>::closed();
        RecvResult<T> r = [&] {
            std::lock_guard lk(s_->m);
            return s_->try_recv_locked(next_);
        }();
        if (r.has_value())
            ::pollscope::detail::trace_channel_recv(ChannelKind::Broadcast, s_.get());
        else if (r.is_lagged())
            ::pollscope::detail::trace_broadcast_lag(s_.get(), r.missed());
        return r;
    }

private:
    friend class Sender<T>;
    template <class U>
    friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t, std::string_view);
    Receiver(std::shared_ptr<detail::Shared<T>> s, std::uint64_t next) noexcept
        : s_(std::move(s))
        , next_(next) {}

    void drop() noexcept {
        if (!s_)
            return;
        {
            std::lock_guard lk(s_->m);
            auto& sh = *s_;
            --sh.receivers;
            std::uint64_t from = next_;
            if (sh.tail - from > sh.ring.size())
                from = sh.tail - sh.ring.size();
            for (std::uint64_t p = from; p < sh.tail; ++p) {
                auto& slot = sh.slot(p);
                if (slot.pos == p && --slot.remaining == 0)
                    slot.value.reset();
            }
        }
        ::pollscope::detail::trace_broadcast_unsubscribe(s_.get());
        s_.reset();
    }

    std::shared_ptr<detail::Shared<T>> s_;
    std::uint64_t next_ = 0;
};

/// A channel keeping the last `capacity` values (at least 1, else
/// std::invalid_argument), with one receiver already subscribed:
/// `auto [tx, rx] = broadcast::channel<int>(16);`. The name shows in the
/// trace ("broadcast recv 'shutdown'").
template <class T>
std::pair<Sender<T>, Receiver<T>> channel(std::size_t capacity, std::string_view name = {}) {
    if (capacity == 0)
        throw std::invalid_argument("pollscope::broadcast::channel: capacity must be at least 1");
    auto s = std::make_shared<detail::Shared<T>>(capacity, name);
    ::pollscope::detail::trace_broadcast_subscribe(s.get()); // the first receiver
    return {Sender<T>(s), Receiver<T>(s, 0)};
}

} // namespace pollscope::broadcast
