#include "run_control.h"

#include <utility>

namespace pollscope::app {

void RunControl::set_shutdown_handler(Handler h) {
    std::lock_guard lk(m_);
    shutdown_ = std::move(h);
}

void RunControl::set_event_handler(EventHandler h) {
    std::lock_guard lk(m_);
    events_ = std::move(h);
}

void RunControl::set_abort_handler(Handler h) {
    bool call = false;
    {
        std::lock_guard lk(m_);
        abort_ = std::move(h);
        call = aborted_.load() && abort_;
    }
    if (call)
        abort();
}

void RunControl::clear() {
    std::lock_guard lk(m_);
    shutdown_ = {};
    events_ = {};
    abort_ = {};
}

bool RunControl::shutdown() {
    std::lock_guard lk(m_);
    if (!shutdown_)
        return false;
    shutdown_();
    return true;
}

bool RunControl::send_events(int n) {
    std::lock_guard lk(m_);
    if (!events_ || n <= 0)
        return false;
    sent_ += n;
    events_(n);
    return true;
}

void RunControl::abort() {
    aborted_ = true;
    std::lock_guard lk(m_);
    if (shutdown_)
        shutdown_();
    if (abort_)
        abort_();
}

} // namespace pollscope::app
