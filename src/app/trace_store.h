#pragma once
// TraceStore: the app's handle on the timeline model (trace::TimelineModel,
// where polls are paired, wakes linked and lanes indexed, once), plus the
// names the views show, as QStrings, and the lock that shares it between the
// thread that builds it during a run (TimelineFeed, exclusive only to swap
// in its newer copy) and its readers (the GUI thread through GuiReadLock,
// the live statistics and background jobs: shared).

#include "timeline_model.h"

#include <QString>

#include <cstdint>
#include <shared_mutex>

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
    TraceStore() = default;
    TraceStore(const TraceStore&) = delete;
    /// Takes the other's model; the lock stays this store's own.
    TraceStore& operator=(TraceStore&& other) noexcept {
        TimelineModel::operator=(std::move(other));
        return *this;
    }
    std::shared_mutex& mutex() const noexcept { return mutex_; }

    /// Name of a task: its name, or "task N".
    QString task_label(std::uint32_t task) const;
    /// Name of a task with its id: "name #N", or "task N".
    QString task_title(std::uint32_t task) const;
    /// Name of a thread: a worker's is one name with its index ("worker 2").
    QString thread_label(std::uint16_t thread) const;

private:
    mutable std::shared_mutex mutex_;
};

} // namespace pollscope::app
