#pragma once
// select(f1, f2, ...): waits for the first of several futures. It is biased:
// every poll tries the futures in argument order, so when several are ready
// the leftmost wins (put shutdown first if it must take priority). The moment
// one is Ready the others are cancelled, which here means destroyed: each is
// held in a std::optional and reset, so a losing Task's coroutine frame (and
// everything it was awaiting) is destroyed there and then.
//
// Losing a future must not lose data: pass cancel-safe futures (mpsc, oneshot
// and broadcast recv(), Stream::next(), sleep) or by_ref() a long-lived future
// to keep it running across iterations of a loop:
//
//     for (;;) {
//         auto r = co_await select(shutdown.recv(), rx.recv());
//         if (r.index == 0) break;          // rx.recv() was destroyed, its value
//         handle(*std::get<1>(r.value));    // (if any) is still in the channel
//     }
//     while (auto v = rx.try_recv()) handle(*v); // drain after shutdown

#include "context.h"
#include "poll.h"
#include "resource.h"
#include "unit.h"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

namespace pollscope {

/// What select() returns: which future won (its argument index) and its
/// output, held in the variant alternative of the same index (void as Unit).
/// `value.index() == index` always; read it with std::get<I>(r.value).
template <class... Ts> struct SelectResult {
    SelectResult() = default;
    /// The winner's value, built in place (select() is on hot event loops).
    template <std::size_t I, class... A>
    explicit SelectResult(std::in_place_index_t<I> winner, A&&... value_args)
        : index(I)
        , value(winner, std::forward<A>(value_args)...) {}

    std::size_t index = 0;
    std::variant<Ts...> value;
};

/// The future returned by select().
template <Future... Fs> class [[nodiscard]] Select {
public:
    using Output = SelectResult<value_or_unit_t<future_output_t<Fs>>...>;

    explicit Select(Fs&&... fs)
        : futures_(std::optional<Fs>(std::move(fs))...) {}

    /// Polls the futures in order until one is Ready; then destroys all the
    /// others. If one throws, every future is destroyed and the exception
    /// propagates. Polling a finished select throws std::logic_error.
    Poll<Output> poll(Context& cx) {
        if (finished_)
            throw std::logic_error("pollscope::select polled after completion");
        Poll<Output> out = Pending;
        detail::FirstWaitNote note;
        try {
            poll_from<0>(cx, out, note);
        } catch (...) {
            note.clear();
            cancel_all();
            throw;
        }
        if (out.is_ready()) {
            note.clear(); // the losers are destroyed: their notes must not outlive them
            cancel_all();
        }
        return out;
    }

private:
    template <std::size_t I>
    void poll_from(Context& cx, Poll<Output>& out, detail::FirstWaitNote& note) {
        if constexpr (I < sizeof...(Fs)) {
            auto& f = std::get<I>(futures_);
            auto p = f->poll(cx);
            note.take();
            if (p.is_ready()) {
                if constexpr (std::is_void_v<future_output_t<std::tuple_element_t<I, Futures>>>)
                    out.emplace(std::in_place_index<I>);
                else
                    out.emplace(std::in_place_index<I>, std::move(p.value()));
                return;
            }
            poll_from<I + 1>(cx, out, note);
        }
    }
    void cancel_all() noexcept {
        finished_ = true;
        std::apply([](auto&... f) { (f.reset(), ...); }, futures_);
    }

    using Futures = std::tuple<Fs...>;
    std::tuple<std::optional<Fs>...> futures_;
    bool finished_ = false;
};

/// Waits for the first of the futures to be Ready (biased, leftmost first)
/// and destroys the others at once.
template <class... Fs>
requires(sizeof...(Fs) > 0 &&
         (Future<std::decay_t<Fs>> && ...)) Select<std::decay_t<Fs>...> select(Fs&&... fs) {
    return Select<std::decay_t<Fs>...>(std::decay_t<Fs>(std::forward<Fs>(fs))...);
}

/// A future that polls another one it does not own (Rust's `&mut fut`): pass
/// by_ref(f) to select() and a losing f is not destroyed, only left behind,
/// so it keeps its progress for the next iteration. f must outlive it and
/// must not be polled again once it was Ready.
template <Future F> class [[nodiscard]] FutureRef {
public:
    explicit FutureRef(F& future) noexcept
        : future_(&future) {}
    auto poll(Context& cx) { return future_->poll(cx); }

private:
    F* future_;
};

template <Future F> FutureRef<F> by_ref(F& future) noexcept {
    return FutureRef<F>(future);
}

} // namespace pollscope
