#pragma once
// RunControl: the GUI's levers on a running example, thread-safe. The example
// installs handlers on its own thread (shutdown: send the broadcast; events:
// feed its loop; abort: stop its runtime); the GUI calls them from its thread.

#include <atomic>
#include <functional>
#include <mutex>

namespace pollscope::app {

class RunControl {
public:
    using Handler = std::function<void()>;
    using EventHandler = std::function<void(int)>;

    void set_shutdown_handler(Handler h);
    void set_event_handler(EventHandler h);
    void set_abort_handler(Handler h);
    /// Removes every handler (the example ends; call before its state dies).
    void clear();

    /// Sends the example's shutdown signal; false when it has none (yet).
    bool shutdown();
    /// Sends n events into an interactive example; false when it takes none.
    bool send_events(int n);
    /// Stops the example as fast as possible (Reset, window close).
    void abort();
    bool abort_requested() const noexcept { return aborted_.load(); }

    int events_sent() const noexcept { return sent_.load(); }
    /// Counts events the example sent by itself (its start-up burst).
    void add_sent(int n) noexcept { sent_ += n; }

private:
    mutable std::mutex m_;
    Handler shutdown_;
    EventHandler events_;
    Handler abort_;
    std::atomic<bool> aborted_{false};
    std::atomic<int> sent_{0};
};

} // namespace pollscope::app
