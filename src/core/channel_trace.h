#pragma once
// Inline guards for the channel hooks: a message costs one thread-local load
// and one branch when no recorder is installed, no call.

#include "hooks.h"

namespace pollscope::detail {

inline void trace_channel_send(ChannelKind kind, const void* channel) noexcept {
    if (current_hooks()) [[unlikely]]
        note_channel_send(kind, channel);
}

inline void trace_channel_recv(ChannelKind kind, const void* channel) noexcept {
    if (current_hooks()) [[unlikely]]
        note_channel_recv(kind, channel);
}

inline void trace_broadcast_subscribe(const void* channel) noexcept {
    if (current_hooks()) [[unlikely]]
        note_broadcast_subscribe(channel);
}

inline void trace_broadcast_unsubscribe(const void* channel) noexcept {
    if (current_hooks()) [[unlikely]]
        note_broadcast_unsubscribe(channel);
}

inline void trace_broadcast_lag(const void* channel, std::uint64_t missed) noexcept {
    if (current_hooks()) [[unlikely]]
        note_broadcast_lag(channel, missed);
}

} // namespace pollscope::detail
