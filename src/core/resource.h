#pragma once
// What a Pending poll waits on: the resource its innermost leaf future
// registered the task's waker with (a sleep, a channel, a JoinHandle...).
// A leaf future notes it with note_waits_on() when it returns Pending: one
// store into the thread's current poll, no allocation. The executor hands the
// noted resource to Hooks::on_poll_end; a Pending poll that noted none waits
// on something the core does not know ("unknown").

#include "hooks.h"

#include <atomic>
#include <cstdint>
#include <string_view>

namespace pollscope {

/// The numbers are part of the trace file format: append only.
enum class ResourceKind : std::uint8_t {
    Unknown = 0,
    Sleep = 1,       // param: the time left at its first Pending, ns
    TimerFuture = 2, // the seed's TimerFuture thread
    MpscRecv = 3,    // param: capacity
    MpscSend = 4,    // param: capacity
    BroadcastRecv = 5,
    OneshotRecv = 6,
    JoinHandle = 7, // param: the joined task
    Yield = 8,
    Mutex = 9,
    TaskQueue = 10, // the channel executor's queue of tasks; param: capacity
    Blocking = 11,  // a spawn_blocking job
    LocalSet = 12,  // the tasks of a LocalSet that is awaited
};
inline constexpr int kResourceKindCount = 13;

/// Resource ids are unique in the process; 0 means "none" (unknown).
using ResourceId = std::uint32_t;
ResourceId next_resource_id() noexcept;

/// A thing a task can wait on. Lives as long as the futures that wait on it
/// (inside a channel's shared state, a Sleep, a JoinHandle...); its id is taken
/// at its first Pending while a recorder is installed, so untraced runs pay
/// nothing.
class Resource {
public:
    explicit Resource(ResourceKind kind, std::string_view name = {},
                      std::int64_t param = 0) noexcept
        : kind_(kind)
        , param_(param)
        , name_(name) {}
    // A copied (moved) resource keeps its id: a future moved after a Pending.
    Resource(const Resource& o) noexcept
        : id_(o.id_.load(std::memory_order_relaxed))
        , kind_(o.kind_)
        , param_(o.param_)
        , name_(o.name_) {}
    Resource& operator=(const Resource& o) noexcept {
        id_.store(o.id_.load(std::memory_order_relaxed), std::memory_order_relaxed);
        tag_.store(0, std::memory_order_relaxed);
        kind_ = o.kind_;
        param_ = o.param_;
        name_ = o.name_;
        return *this;
    }
    ~Resource() = default;

    ResourceKind kind() const noexcept { return kind_; }
    std::int64_t param() const noexcept { return param_; }
    void set_param(std::int64_t p) noexcept { param_ = p; }
    /// The name given at creation (a channel's); "" if none. Owned by the holder.
    std::string_view name() const noexcept { return name_; }
    /// The id, taken on first use (thread-safe).
    ResourceId id() const noexcept {
        ResourceId v = id_.load(std::memory_order_relaxed);
        return v != 0 ? v : take_id();
    }
    /// For a recorder: swaps in `tag` and returns the previous one, so that it
    /// describes the resource once (tag: the recorder's own unique number).
    std::uint64_t exchange_tag(std::uint64_t tag) const noexcept {
        if (tag_.load(std::memory_order_relaxed) == tag)
            return tag;
        return tag_.exchange(tag, std::memory_order_relaxed);
    }

private:
    ResourceId take_id() const noexcept;

    mutable std::atomic<ResourceId> id_{0};
    mutable std::atomic<std::uint64_t> tag_{0};
    ResourceKind kind_;
    std::int64_t param_;
    std::string_view name_;
};

/// Resources every executor shares (one id each).
const Resource& yield_resource() noexcept;
const Resource& timer_future_resource() noexcept;

/// Called by a leaf future that returns Pending: the task waits on `r`. The
/// last note of a poll wins (select keeps its first branch's, see select.h).
inline void note_waits_on(const Resource& r) noexcept {
    detail::this_poll().waits_on = &r;
}

namespace detail {
/// For a future that polls several others (select, join): what it waits on is
/// the first of them that noted a resource. take() after each poll; the
/// destructor leaves that one noted (none after clear()).
class FirstWaitNote {
public:
    FirstWaitNote() noexcept { this_poll().waits_on = nullptr; }
    FirstWaitNote(const FirstWaitNote&) = delete;
    FirstWaitNote& operator=(const FirstWaitNote&) = delete;
    ~FirstWaitNote() { this_poll().waits_on = first_; }
    void take() noexcept {
        if (!first_)
            first_ = this_poll().waits_on;
    }
    /// The combinator is Ready: what its Pending parts noted is gone with them.
    void clear() noexcept { first_ = nullptr; }

private:
    const Resource* first_ = nullptr;
};
} // namespace detail

} // namespace pollscope
