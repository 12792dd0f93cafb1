#pragma once
// The timeline's colours: one definition for the painter, the legend and the
// tests.

#include "event.h"

#include <QColor>

namespace pollscope::app::palette {

inline const QColor kPending(0x4a, 0x7f, 0xd0);
inline const QColor kPendingDense(0x2f, 0x5f, 0xb0);
inline const QColor kReady(0x2e, 0xa0, 0x4f);
inline const QColor kFailed(0xd0, 0x3a, 0x30);
inline const QColor kRunning(0x9a, 0x6a, 0xd8);
inline const QColor kWait(0xa8, 0xae, 0xb6);
inline const QColor kWake(0xe0, 0x80, 0x10);
inline const QColor kSpawn(0x30, 0x90, 0x40);
inline const QColor kCancel = kFailed;
inline const QColor kShutdown(0x8e, 0x3c, 0xc8);
inline const QColor kMark(0x1a, 0x6a, 0x9a);
inline const QColor kYield(0x70, 0x70, 0x70);

/// The colour of a closed poll's bar.
inline QColor outcome(trace::Outcome o) {
    return o == trace::Outcome::Ready ? kReady : o == trace::Outcome::Failed ? kFailed : kPending;
}

} // namespace pollscope::app::palette
