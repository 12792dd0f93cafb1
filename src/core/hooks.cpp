#include "hooks.h"

#include <atomic>
#include <utility>

namespace pollscope {

namespace detail {
namespace {
thread_local CurrentPoll current_poll;
}
[[gnu::noinline]] CurrentPoll& this_poll() noexcept {
    return current_poll;
}
namespace {
thread_local bool poll_follows_poll = false;
}
void set_poll_follows_poll(bool follows) noexcept {
    poll_follows_poll = follows;
}
bool take_poll_follows_poll() noexcept {
    return std::exchange(poll_follows_poll, false);
}
bool& poll_follows_poll_note() noexcept {
    return poll_follows_poll;
}
} // namespace detail

namespace {
thread_local const char* thread_trace_name = nullptr;
}

void set_trace_thread_name(const char* name) noexcept {
    thread_trace_name = name;
}

const char* trace_thread_name() noexcept {
    return thread_trace_name;
}

void mark(std::string_view text) {
    if (auto* h = current_hooks()) [[unlikely]]
        h->on_mark(current_task_id(), text);
}

void note_shutdown_signal() {
    if (auto* h = current_hooks()) [[unlikely]]
        h->on_shutdown_signal(current_task_id());
}

void note_channel_send(ChannelKind kind, const void* channel) {
    if (auto* h = current_hooks()) [[unlikely]]
        h->on_channel_send(kind, channel);
}

void note_channel_recv(ChannelKind kind, const void* channel) {
    if (auto* h = current_hooks()) [[unlikely]]
        h->on_channel_recv(kind, channel);
}

TaskId next_task_id() noexcept {
    static std::atomic<TaskId> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

void note_broadcast_subscribe(const void* channel) {
    if (auto* h = current_hooks()) [[unlikely]]
        h->on_broadcast_subscribe(channel);
}

void note_broadcast_unsubscribe(const void* channel) {
    if (auto* h = current_hooks()) [[unlikely]]
        h->on_broadcast_unsubscribe(channel);
}

void note_broadcast_lag(const void* channel, std::uint64_t missed) {
    if (auto* h = current_hooks()) [[unlikely]]
        h->on_broadcast_lag(channel, missed);
}

} // namespace pollscope
