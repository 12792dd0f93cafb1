#include "recorded_run.h"

#include "clock.h"

namespace pollscope::examples {

RecordedRun::RecordedRun(const ExampleInfo& example, KnobValues knobs,
                         trace::RecorderOptions options)
    : example_(example)
    , knobs_(std::move(knobs))
    , clock_(make_clock(example, knobs_)) {
    // On a virtual clock events carry its time; on a real one the recorder's
    // own time-stamp counter is faster and as exact.
    if (clock_->is_virtual())
        options.time = trace::TraceRecorder::clock_time(clock_);
    recorder_ = std::make_unique<trace::TraceRecorder>(std::move(options));
}

bool RecordedRun::virtual_clock() const noexcept {
    return clock_->is_virtual();
}

RunSetup RecordedRun::setup(Hooks* hooks, ExampleControl* control) const {
    RunSetup s;
    s.hooks = hooks ? hooks : recorder_.get();
    s.clock = clock_;
    s.knobs = knobs_;
    s.control = control;
    return s;
}

std::string RecordedRun::run(Hooks* hooks, ExampleControl* control) const {
    return example_.run(setup(hooks, control));
}

} // namespace pollscope::examples
