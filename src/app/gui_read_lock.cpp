#include "gui_read_lock.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QThread>

namespace pollscope::app {

GuiReadLock::GuiReadLock(std::shared_mutex& mutex)
    : mutex_(mutex)
    , lock_(mutex) {
    auto* d = QAbstractEventDispatcher::instance(QThread::currentThread());
    Q_ASSERT(d);
    // Direct connections: the dispatcher emits them on this thread.
    about_to_block_ = QObject::connect(
        d, &QAbstractEventDispatcher::aboutToBlock, d, [this] { release(); }, Qt::DirectConnection);
    awake_ = QObject::connect(
        d, &QAbstractEventDispatcher::awake, d, [this] { acquire(); }, Qt::DirectConnection);
    QCoreApplication::instance()->installEventFilter(this);
}

GuiReadLock::~GuiReadLock() {
    QCoreApplication::instance()->removeEventFilter(this);
    QObject::disconnect(about_to_block_);
    QObject::disconnect(awake_);
}

bool GuiReadLock::eventFilter(QObject* watched, QEvent* event) {
    // Only this thread's events pass this (the GUI thread's) filter.
    acquire();
    return QObject::eventFilter(watched, event);
}

void GuiReadLock::acquire() {
    if (suspended_ == 0 && !lock_.owns_lock())
        lock_.lock();
}

void GuiReadLock::release() {
    if (lock_.owns_lock())
        lock_.unlock();
}

GuiReadLock::Unlocked::Unlocked(GuiReadLock& l)
    : l_(l)
    , was_held_(l.lock_.owns_lock()) {
    ++l_.suspended_;
    l_.release();
}

GuiReadLock::Unlocked::~Unlocked() {
    if (--l_.suspended_ == 0 && was_held_)
        l_.acquire();
}

GuiReadLock::Exclusive::Exclusive(GuiReadLock& l)
    : unlocked_(l)
    , lock_(l.mutex_) {}

GuiReadLock::Exclusive::~Exclusive() = default;

} // namespace pollscope::app
