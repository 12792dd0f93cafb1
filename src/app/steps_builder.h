#pragma once
// StepsBuilder: the steps axis of the window's store (trace::StepAxis over
// its model, loaded into a TraceStore of its own), kept up to date. A big
// store's (more than kBackgroundEvents events) is built by a BackgroundJob
// under the store's shared lock, as the timeline's resource lanes are; the
// last steps of the same trace are shown meanwhile. A replaced steps model
// lives on until the one after it: the timeline, re-pointed at the new one
// (which stops its own job on the old), may still hold it until then.
// Lives on the GUI thread.

#include "background_job.h"
#include "step_axis.h"
#include "trace_store.h"

#include <QObject>

#include <cstdint>
#include <functional>
#include <memory>

namespace pollscope::app {

class StepsBuilder {
public:
    /// Steps are offered up to this many events (a person steps through a
    /// short example, not a million transitions).
    static constexpr std::size_t kMaxEvents = 200'000;

    /// Which state of which trace steps are of.
    struct Source {
        std::uint64_t trace = 0; // StepsBuilder's count of store changes
        std::uint64_t generation = 0;
        std::size_t events = 0;
        std::int64_t end = 0;
        bool operator==(const Source&) const = default;
    };
    struct Steps {
        TraceStore store;
        trace::StepAxis axis;
        Source of;
    };

    /// `arrived` runs on the GUI thread (through `context`) once a job's
    /// steps are current(); the ones they replaced live until the next.
    StepsBuilder(QObject* context, std::function<void()> arrived);
    ~StepsBuilder();
    StepsBuilder(const StepsBuilder&) = delete;
    StepsBuilder& operator=(const StepsBuilder&) = delete;

    /// The steps of `store` as it is: built here for a small store; for a
    /// big one a job is started (one at a time) and the last steps of this
    /// trace are returned meanwhile (null: none yet, or too many events).
    const Steps* update(const TraceStore& store);
    /// Stops the job and forgets which trace the steps are of: call before
    /// the store changes (anyone but the TimelineFeed) and before it goes.
    void stop();
    /// The last steps built (of any trace; null: none).
    const Steps* current() const noexcept { return current_.get(); }
    /// A job is building the steps.
    bool pending() const noexcept { return job_ != nullptr; }
    /// Whether `events` are few enough for steps.
    static bool fits(std::size_t events) noexcept { return events <= kMaxEvents; }

private:
    static std::unique_ptr<Steps> build(const TraceStore& store, std::uint64_t trace);
    void replace(std::unique_ptr<Steps> steps);
    Source source_of(const TraceStore& store) const;

    QObject* context_;
    std::function<void()> arrived_;
    std::uint64_t trace_ = 0;
    std::unique_ptr<Steps> current_, previous_;
    // Last: stopped (joined) before the rest goes.
    std::unique_ptr<BackgroundJob<std::unique_ptr<Steps>>> job_;
};

} // namespace pollscope::app
