#pragma once
// run_until: runs the event loop until `done()` holds (false after `ms`).
// Unlike QTest::qWait and QTRY_* (which poll without ever blocking), the loop
// blocks between events, so the window's read lock on the store is released
// and the feed can write, as in the application.

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

namespace pollscope::test {

template <class Done> bool run_until(Done done, int ms = 20000) {
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > ms)
            return false;
        QEventLoop loop;
        QTimer::singleShot(5, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

} // namespace pollscope::test
