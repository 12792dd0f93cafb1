#pragma once
// GuiReadLock: the GUI thread reads the TraceStore while it is awake and lets
// the TimelineFeed swap in its newer copy of the model while it sleeps (the
// feed appends to its copy without the lock, so the GUI thread waits only
// for a swap, never for an append). It holds the store's lock shared
// from construction and whenever the thread handles an event (an
// application-wide event filter: every event the GUI thread delivers, timer,
// paint, input or queued call, passes it first), and releases it each time
// the event loop is about to block (QAbstractEventDispatcher::aboutToBlock;
// the glib dispatcher emits no awake() after blocking, so the filter is what
// takes it back). So every read on the GUI thread (painting, models,
// tooltips, slots) happens under the lock without each one taking it, and
// the feed applies its slices between events. A wait on the GUI thread for
// the feed (a flush) releases it for the wait (Unlocked); a change the GUI
// thread makes itself (clear, replace) takes it exclusively (Exclusive).
// Lives on the GUI thread only.

#include <QObject>

#include <mutex>
#include <shared_mutex>

namespace pollscope::app {

class GuiReadLock : public QObject {
public:
    explicit GuiReadLock(std::shared_mutex& mutex);
    ~GuiReadLock() override;
    GuiReadLock(const GuiReadLock&) = delete;
    GuiReadLock& operator=(const GuiReadLock&) = delete;

    bool held() const noexcept { return lock_.owns_lock(); }

    /// Releases the lock for its lifetime (while waiting for the feed).
    class Unlocked {
    public:
        explicit Unlocked(GuiReadLock& l);
        ~Unlocked();
        Unlocked(const Unlocked&) = delete;
        Unlocked& operator=(const Unlocked&) = delete;

    private:
        GuiReadLock& l_;
        bool was_held_;
    };
    /// Holds the lock exclusively for its lifetime (the GUI thread changes
    /// the store: no export job or feed reads or writes meanwhile).
    class Exclusive {
    public:
        explicit Exclusive(GuiReadLock& l);
        ~Exclusive();
        Exclusive(const Exclusive&) = delete;
        Exclusive& operator=(const Exclusive&) = delete;

    private:
        Unlocked unlocked_;
        std::unique_lock<std::shared_mutex> lock_;
    };

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void acquire();
    void release();

    std::shared_mutex& mutex_;
    std::shared_lock<std::shared_mutex> lock_;
    int suspended_ = 0; // Unlocked scopes open: awake() does not re-take it
    QMetaObject::Connection about_to_block_, awake_;
};

} // namespace pollscope::app
