#include "waker.h"

namespace pollscope {

namespace {
void noop_fn(void*) {}
constexpr WakerVTable kNoopVTable{noop_fn, noop_fn, noop_fn, noop_fn};
} // namespace

Waker Waker::noop() noexcept {
    return Waker(&kNoopVTable, nullptr);
}

} // namespace pollscope
