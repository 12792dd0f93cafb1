#pragma once
// GuiReadLock: the GUI thread reads the TraceStore while it is awake and lets
// the TimelineFeed write while it sleeps. It holds the store's lock shared
// from construction and whenever the thread's event loop wakes, and releases
// it each time the loop is about to block (QAbstractEventDispatcher's
// aboutToBlock / awake). So every read on the GUI thread (painting, models,
// tooltips, slots) happens under the lock without each one taking it, and
// the feed applies its slices between events. A wait on the GUI thread for
// the feed (a flush) releases it for the wait (Unlocked); a change the GUI
// thread makes itself (clear, replace) takes it exclusively (Exclusive).
// Lives on the GUI thread only.

#include <QMetaObject>

#include <mutex>
#include <shared_mutex>

namespace pollscope::app {

class GuiReadLock {
public:
    explicit GuiReadLock(std::shared_timed_mutex& mutex);
    ~GuiReadLock();
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
        std::unique_lock<std::shared_timed_mutex> lock_;
    };

private:
    void acquire();
    void release();

    std::shared_timed_mutex& mutex_;
    std::shared_lock<std::shared_timed_mutex> lock_;
    int suspended_ = 0; // Unlocked scopes open: awake() does not re-take it
    QMetaObject::Connection about_to_block_, awake_;
};

} // namespace pollscope::app
