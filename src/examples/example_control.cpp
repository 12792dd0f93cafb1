#include "example_control.h"

#include <type_traits>
#include <utility>

namespace pollscope::examples {

template <class F, class... A> bool ExampleControl::call(F ExampleControl::*slot, A... args) {
    F f;
    {
        std::lock_guard lk(m_);
        if (!(this->*slot))
            return false;
        f = this->*slot;
        ++in_flight_;
    }
    struct Done {
        ExampleControl* c;
        ~Done() {
            std::lock_guard lk(c->m_);
            if (--c->in_flight_ == 0)
                c->idle_.notify_all();
        }
    } done{this};
    if constexpr (std::is_same_v<F, EventHandler>) {
        const bool accepted = f(args...);
        if (accepted)
            sent_ += (args + ...); // counted before clear() can return
        return accepted;
    } else {
        f(args...);
        return true;
    }
}

void ExampleControl::set_shutdown_handler(Handler h) {
    std::lock_guard lk(m_);
    shutdown_ = std::move(h);
}

void ExampleControl::set_event_handler(EventHandler h) {
    std::lock_guard lk(m_);
    events_ = std::move(h);
}

void ExampleControl::set_abort_handler(Handler h) {
    {
        std::lock_guard lk(m_);
        abort_ = std::move(h);
    }
    if (aborted_.load())
        call(&ExampleControl::abort_);
}

void ExampleControl::clear() {
    std::unique_lock lk(m_);
    shutdown_ = {};
    events_ = {};
    abort_ = {};
    idle_.wait(lk, [this] { return in_flight_ == 0; });
}

bool ExampleControl::shutdown() {
    shutdown_requested_ = true;
    return call(&ExampleControl::shutdown_);
}

bool ExampleControl::send_events(int n) {
    if (n <= 0)
        return false;
    return call(&ExampleControl::events_, n);
}

void ExampleControl::abort() {
    aborted_ = true;
    call(&ExampleControl::shutdown_);
    call(&ExampleControl::abort_);
}

} // namespace pollscope::examples
