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

} // namespace pollscope::detail
