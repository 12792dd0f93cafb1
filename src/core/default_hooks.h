#pragma once
// Default hooks: what a Runtime created without RuntimeOptions::hooks records
// to. A trace::Recording installs its recorder here for as long as it lives,
// so a program records every runtime it creates without passing hooks around.
// Runtime creation is rare: a mutex guards the one process-wide slot.

#include "hooks.h"

#include <memory>

namespace pollscope {

/// Makes `hooks` the default; false (and nothing changed) when another is
/// installed already: one recording at a time.
bool install_default_hooks(std::shared_ptr<Hooks> hooks);
/// Removes `hooks` if they are the default (no-op otherwise).
void remove_default_hooks(const Hooks* hooks) noexcept;
/// The default hooks or nullptr. A runtime keeps the shared_ptr for its
/// lifetime, so the hooks outlive every runtime recording into them.
std::shared_ptr<Hooks> default_hooks();

} // namespace pollscope
