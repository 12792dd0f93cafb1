#pragma once
// join(f1, f2, ...) and join_all(vector): run several futures concurrently
// inside one task. Each poll of the join polls every future not yet done, so
// one task waits on all of them at once (Rust's futures::join!/join_all).
//
// Futures are taken by value (move Tasks in). A future is destroyed as soon as
// it completes, its output kept until all are done. Like any future here, a
// join must not be moved after its first poll (it lives in the awaiting
// coroutine's frame when co_awaited, which never moves).

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
#include <vector>

namespace pollscope {

namespace detail {

/// A future and, once it finished, its output (Rust's MaybeDone).
template <class F> class MaybeDone {
public:
    using Output = value_or_unit_t<future_output_t<F>>;

    explicit MaybeDone(F&& f)
        : future_(std::in_place, std::move(f)) {}

    /// Polls the future if it is still running; true once the output is held.
    /// An exception from the future propagates (the future is destroyed first).
    bool poll(Context& cx) {
        if (!future_)
            return true;
        try {
            auto p = future_->poll(cx);
            if (p.is_pending())
                return false;
            if constexpr (std::is_void_v<future_output_t<F>>)
                output_.emplace();
            else
                output_.emplace(std::move(p.value()));
        } catch (...) {
            future_.reset();
            throw;
        }
        future_.reset();
        return true;
    }
    Output take() { return std::move(*output_); }

private:
    std::optional<F> future_;
    std::optional<Output> output_;
};

} // namespace detail

/// The future returned by join(); Ready with a tuple of every output in
/// argument order, void outputs as Unit.
template <Future... Fs> class [[nodiscard]] Join {
public:
    using Output = std::tuple<value_or_unit_t<future_output_t<Fs>>...>;

    explicit Join(Fs&&... fs)
        : parts_(detail::MaybeDone<Fs>(std::move(fs))...) {}

    /// Polls each unfinished future in order. If one throws, the exception
    /// propagates at once and the join is finished (polling again throws
    /// std::logic_error); the remaining futures are destroyed with the join.
    Poll<Output> poll(Context& cx) {
        if (finished_)
            throw std::logic_error("pollscope::join polled after completion");
        bool all = true;
        detail::FirstWaitNote note;
        try {
            std::apply([&](auto&... part) { ((all = part.poll(cx) && all, note.take()), ...); },
                       parts_);
        } catch (...) {
            note.clear(); // the parts go with the join
            finished_ = true;
            throw;
        }
        if (!all)
            return Pending;
        finished_ = true;
        return std::apply([](auto&... part) { return Output(part.take()...); }, parts_);
    }

private:
    std::tuple<detail::MaybeDone<Fs>...> parts_;
    bool finished_ = false;
};

/// Waits for all of the futures; `auto [a, b] = co_await join(f1(), f2());`.
/// A Task<void> contributes a Unit to the tuple.
template <class... Fs>
requires(sizeof...(Fs) > 0 &&
         (Future<std::decay_t<Fs>> && ...)) Join<std::decay_t<Fs>...> join(Fs&&... fs) {
    return Join<std::decay_t<Fs>...>(std::decay_t<Fs>(std::forward<Fs>(fs))...);
}

/// The future returned by join_all(); Ready with the outputs in input order.
template <Future F> class [[nodiscard]] JoinAll {
public:
    using Output = std::vector<value_or_unit_t<future_output_t<F>>>;

    explicit JoinAll(std::vector<F> futures) {
        parts_.reserve(futures.size());
        for (auto& f : futures)
            parts_.emplace_back(std::move(f));
        remaining_ = parts_.size();
        done_.assign(parts_.size(), false);
    }

    /// Polls each unfinished future in order; exceptions as for Join.
    Poll<Output> poll(Context& cx) {
        if (finished_)
            throw std::logic_error("pollscope::join_all polled after completion");
        detail::FirstWaitNote note;
        try {
            for (std::size_t i = 0; i < parts_.size(); ++i) {
                if (!done_[i] && parts_[i].poll(cx)) {
                    done_[i] = true;
                    --remaining_;
                }
                note.take();
            }
        } catch (...) {
            note.clear(); // the parts go with the join
            finished_ = true;
            throw;
        }
        if (remaining_ != 0)
            return Pending;
        finished_ = true;
        Output out;
        out.reserve(parts_.size());
        for (auto& part : parts_)
            out.push_back(part.take());
        return out;
    }

private:
    std::vector<detail::MaybeDone<F>> parts_;
    std::vector<bool> done_;
    std::size_t remaining_ = 0;
    bool finished_ = false;
};

/// Waits for every future of the vector (empty vector: Ready at once).
template <Future F> JoinAll<F> join_all(std::vector<F> futures) {
    return JoinAll<F>(std::move(futures));
}

} // namespace pollscope
