#pragma once
// TraceStore: the app's handle on the timeline model (trace::TimelineModel,
// where polls are paired, wakes linked and lanes indexed, once), plus the
// names the views show, as QStrings.

#include "timeline_model.h"

#include <QString>

#include <cstdint>

namespace pollscope::app {

using trace::Lane;
using trace::LodBucket;
using trace::Marker;
using trace::MarkerKind;
using trace::PollBar;
using trace::TimelineLod;
using trace::WakeRec;

class TraceStore : public trace::TimelineModel {
public:
    /// Name of a task: its name, or "task N".
    QString task_label(std::uint32_t task) const;
    /// Name of a thread: a worker's is one name with its index ("worker 2").
    QString thread_label(std::uint16_t thread) const;
};

} // namespace pollscope::app
