#include "default_hooks.h"

#include <mutex>
#include <utility>

namespace pollscope {

namespace {
std::mutex& slot_mutex() {
    static std::mutex m;
    return m;
}
std::shared_ptr<Hooks>& slot() {
    static std::shared_ptr<Hooks> hooks;
    return hooks;
}
} // namespace

bool install_default_hooks(std::shared_ptr<Hooks> hooks) {
    const std::lock_guard lock(slot_mutex());
    if (slot())
        return false;
    slot() = std::move(hooks);
    return true;
}

void remove_default_hooks(const Hooks* hooks) noexcept {
    std::shared_ptr<Hooks> removed; // released outside the lock
    const std::lock_guard lock(slot_mutex());
    if (slot().get() == hooks)
        removed = std::exchange(slot(), nullptr);
}

std::shared_ptr<Hooks> default_hooks() {
    const std::lock_guard lock(slot_mutex());
    return slot();
}

} // namespace pollscope
