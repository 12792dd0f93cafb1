#include "hooks.h"

#include <atomic>

namespace pollscope {

namespace detail {
thread_local CurrentPoll current_poll;
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

} // namespace pollscope
