#include "steps_builder.h"

#include <mutex>
#include <shared_mutex>
#include <utility>

namespace pollscope::app {

StepsBuilder::StepsBuilder(QObject* context, std::function<void()> arrived)
    : context_(context)
    , arrived_(std::move(arrived)) {}

StepsBuilder::~StepsBuilder() {
    job_.reset();
}

StepsBuilder::Source StepsBuilder::source_of(const TraceStore& store) const {
    return {trace_, store.generation(), store.trace().events.size(), store.end_ts()};
}

std::unique_ptr<StepsBuilder::Steps> StepsBuilder::build(const TraceStore& store,
                                                         std::uint64_t trace) {
    auto s = std::make_unique<Steps>();
    s->of = {trace, store.generation(), store.trace().events.size(), store.end_ts()};
    s->store.load(s->axis.build(store));
    return s;
}

void StepsBuilder::replace(std::unique_ptr<Steps> steps) {
    previous_ = std::move(current_);
    current_ = std::move(steps);
}

const StepsBuilder::Steps* StepsBuilder::update(const TraceStore& store) {
    const Source want = source_of(store);
    if (!fits(want.events))
        return nullptr;
    const bool ours = current_ && current_->of.trace == trace_;
    if (ours && current_->of == want)
        return current_.get();
    if (want.events <= kBackgroundEvents) {
        job_.reset();
        replace(build(store, trace_));
        return current_.get();
    }
    if (!job_) {
        const TraceStore* of = &store;
        job_ = std::make_unique<BackgroundJob<std::unique_ptr<Steps>>>(
            context_,
            [of, trace = trace_](std::stop_token) {
                // Readers only share the lock; the feed swaps when it is
                // free (try_lock), and any other change stops this job first.
                const std::shared_lock lock(of->mutex());
                return build(*of, trace);
            },
            [this](std::unique_ptr<Steps> s) {
                const auto finished = std::move(job_); // goes after this (its result's stack)
                replace(std::move(s));
                arrived_();
            });
    }
    return ours ? current_.get() : nullptr;
}

void StepsBuilder::stop() {
    job_.reset();
    ++trace_;
}

} // namespace pollscope::app
