#pragma once
// TaskState: a spawned task's lifecycle and reference count in one atomic word,
// changed only through the named transitions below (after Tokio's state.rs).

#include <atomic>
#include <cassert>
#include <cstdint>

namespace pollscope::detail {

class TaskState {
public:
    static constexpr std::uint64_t kRunning = 1;  // a thread is polling or cancelling it
    static constexpr std::uint64_t kComplete = 2; // finished: output stored or dropped
    static constexpr std::uint64_t kNotified =
        4; // sits in a queue, or must go back after this poll
    static constexpr std::uint64_t kJoinInterest = 8; // a JoinHandle still wants the output
    static constexpr std::uint64_t kCancelled = 16;   // shutdown or abort asked for cancellation
    static constexpr std::uint64_t kRefOne = 64;
    static constexpr std::uint64_t kFlagsMask = kRefOne - 1;

    /// A new task is notified (its first poll is queued) and held by `refs` owners.
    explicit TaskState(std::uint64_t refs, bool join_interest = true) noexcept
        : word_(kNotified | (join_interest ? kJoinInterest : 0) | refs * kRefOne) {}

    enum class ToRunning { Ok, Cancelled, Failed };
    /// Consumes NOTIFIED and takes RUNNING. Failed: already running or complete,
    /// the caller drops the queue's reference.
    ToRunning transition_to_running() noexcept {
        auto cur = word_.load(std::memory_order_acquire);
        for (;;) {
            if (cur & (kRunning | kComplete))
                return ToRunning::Failed;
            auto next = (cur | kRunning) & ~kNotified;
            if (word_.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                            std::memory_order_acquire))
                return (next & kCancelled) ? ToRunning::Cancelled : ToRunning::Ok;
        }
    }

    enum class ToIdle { Idle, IdleLastRef, Notified, Cancelled };
    /// After a Pending poll. Idle also drops the poll's reference (IdleLastRef: it
    /// was the last one). Notified: woken during the poll; the poll's reference
    /// now travels with the task back into a queue. Cancelled: still RUNNING.
    ToIdle transition_to_idle() noexcept {
        auto cur = word_.load(std::memory_order_acquire);
        for (;;) {
            assert(cur & kRunning);
            if (cur & kCancelled)
                return ToIdle::Cancelled;
            std::uint64_t next = cur & ~kRunning;
            ToIdle result;
            if (cur & kNotified) {
                result = ToIdle::Notified;
            } else {
                assert(refs(cur) > 0);
                next -= kRefOne;
                result = refs(next) == 0 ? ToIdle::IdleLastRef : ToIdle::Idle;
            }
            if (word_.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                            std::memory_order_acquire))
                return result;
        }
    }

    /// RUNNING -> COMPLETE; returns whether a JoinHandle still wants the output.
    bool transition_to_complete() noexcept {
        auto prev = word_.fetch_xor(kRunning | kComplete, std::memory_order_acq_rel);
        assert((prev & kRunning) && !(prev & kComplete));
        return prev & kJoinInterest;
    }

    enum class Notify { DoNothing, Submit, Dealloc };
    /// wake_by_ref: Submit means one new reference was added for the queue.
    Notify transition_to_notified_by_ref() noexcept {
        auto cur = word_.load(std::memory_order_acquire);
        for (;;) {
            if (cur & (kComplete | kNotified))
                return Notify::DoNothing;
            std::uint64_t next = cur | kNotified;
            if (!(cur & kRunning))
                next += kRefOne;
            if (word_.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                            std::memory_order_acquire))
                return (cur & kRunning) ? Notify::DoNothing : Notify::Submit;
        }
    }
    /// wake (consuming the waker's reference): Submit hands that reference to the
    /// queue; Dealloc: it was the last reference.
    Notify transition_to_notified_by_val() noexcept {
        auto cur = word_.load(std::memory_order_acquire);
        for (;;) {
            std::uint64_t next;
            Notify result;
            if (cur & kRunning) {
                next = (cur | kNotified) - kRefOne;
                result = Notify::DoNothing;
            } else if (cur & (kComplete | kNotified)) {
                next = cur - kRefOne;
                result = refs(next) == 0 ? Notify::Dealloc : Notify::DoNothing;
            } else {
                next = cur | kNotified;
                result = Notify::Submit;
            }
            if (word_.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                            std::memory_order_acquire))
                return result;
        }
    }

    /// Marks the task cancelled. True when the caller took RUNNING and must
    /// cancel it now; otherwise whoever runs it next sees CANCELLED.
    bool transition_to_shutdown() noexcept {
        auto cur = word_.load(std::memory_order_acquire);
        for (;;) {
            std::uint64_t next = cur | kCancelled;
            bool claim = !(cur & (kRunning | kComplete));
            if (claim)
                next |= kRunning;
            if (word_.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                            std::memory_order_acquire))
                return claim;
        }
    }

    /// Abort from a JoinHandle (Tokio's transition_to_notified_and_cancel):
    /// marks the task cancelled and, when it is idle, notifies it. True when
    /// the caller must submit it to its scheduler (one reference was added
    /// for the queue); a running or queued task sees CANCELLED when its
    /// runner gets to it.
    bool transition_to_notified_and_cancel() noexcept {
        auto cur = word_.load(std::memory_order_acquire);
        for (;;) {
            if (cur & (kComplete | kCancelled))
                return false;
            std::uint64_t next = cur | kCancelled;
            bool submit = !(cur & (kRunning | kNotified));
            if (submit)
                next = (next | kNotified) + kRefOne;
            if (word_.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                            std::memory_order_acquire))
                return submit;
        }
    }

    /// The JoinHandle lets go. Returns true when the task was already complete,
    /// so the handle must drop the output itself.
    bool unset_join_interest() noexcept {
        auto prev = word_.fetch_and(~kJoinInterest, std::memory_order_acq_rel);
        return prev & kComplete;
    }

    void ref_inc() noexcept { word_.fetch_add(kRefOne, std::memory_order_relaxed); }
    /// Adds a reference unless the count already reached zero (the task is
    /// being destroyed): for owners that list tasks without holding a reference.
    bool ref_inc_if_alive() noexcept {
        auto cur = word_.load(std::memory_order_acquire);
        while (refs(cur) > 0)
            if (word_.compare_exchange_weak(cur, cur + kRefOne, std::memory_order_acq_rel,
                                            std::memory_order_acquire))
                return true;
        return false;
    }
    /// True when that was the last reference.
    bool ref_dec() noexcept {
        auto prev = word_.fetch_sub(kRefOne, std::memory_order_acq_rel);
        assert(refs(prev) >= 1);
        return refs(prev) == 1;
    }

    std::uint64_t load() const noexcept { return word_.load(std::memory_order_acquire); }
    bool is_complete() const noexcept { return load() & kComplete; }
    bool is_notified() const noexcept { return load() & kNotified; }
    static std::uint64_t refs(std::uint64_t w) noexcept { return w / kRefOne; }

private:
    std::atomic<std::uint64_t> word_;
};

} // namespace pollscope::detail
