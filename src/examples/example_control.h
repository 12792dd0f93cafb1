#pragma once
// ExampleControl: the GUI's levers on a running example, thread-safe (the same
// operations as the app's RunControl). The example installs handlers on its
// own thread (shutdown: ask for the graceful shutdown; events: feed its loop;
// abort: stop its runtime); the GUI calls them from its thread. Handlers are
// called outside the control's lock, so a handler may block (abort joins the
// runtime's threads) while the example's tasks replace or clear handlers.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace pollscope::examples {

class ExampleControl {
public:
    using Handler = std::function<void()>;
    /// Takes n events; returns false when it refuses them (the run is ending):
    /// refused events are not counted as sent.
    using EventHandler = std::function<bool(int)>;

    void set_shutdown_handler(Handler h);
    void set_event_handler(EventHandler h);
    /// Installs the abort handler; calls it at once if abort() came first.
    void set_abort_handler(Handler h);
    /// Removes every handler (the example ends; call before its state dies).
    /// Waits for handler calls in progress on other threads to return.
    void clear();

    /// Asks for the example's graceful shutdown; false when it has none (yet).
    bool shutdown();
    /// Sends n events into an interactive example; false when it takes none.
    bool send_events(int n);
    /// Stops the example as fast as possible (Reset, window close).
    void abort();
    bool abort_requested() const noexcept { return aborted_.load(); }
    bool shutdown_requested() const noexcept { return shutdown_requested_.load(); }

    /// Events accepted so far (send_events and the example's own, add_sent).
    int events_sent() const noexcept { return sent_.load(); }
    /// Counts events the example sent by itself (its start-up burst).
    void add_sent(int n) noexcept { sent_ += n; }

private:
    /// Calls a copy of the handler in `slot` outside the lock; false if empty.
    template <class F, class... A> bool call(F ExampleControl::*slot, A... args);

    mutable std::mutex m_;
    std::condition_variable idle_;
    int in_flight_ = 0; // handler calls running now
    Handler shutdown_;
    EventHandler events_;
    Handler abort_;
    std::atomic<bool> aborted_{false};
    std::atomic<bool> shutdown_requested_{false};
    std::atomic<int> sent_{0};
};

} // namespace pollscope::examples
