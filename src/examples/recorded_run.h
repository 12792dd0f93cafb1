#pragma once
// RecordedRun: one run of an example while recording it. It makes the clock
// the knobs ask for (real or virtual), a recorder on that clock (so the
// trace's time base and virtual_time follow from the clock, not from each
// caller), and the RunSetup to run the example with. The command line and
// the window both run examples through it.

#include "example_registry.h"
#include "recorder.h"

#include <memory>
#include <string>

namespace pollscope::examples {

class RecordedRun {
public:
    /// `options.time` and `options.virtual_time` are set here from the clock.
    RecordedRun(const ExampleInfo& example, KnobValues knobs, trace::RecorderOptions options = {});

    trace::TraceRecorder& recorder() noexcept { return *recorder_; }
    const std::shared_ptr<Clock>& clock() const noexcept { return clock_; }
    bool virtual_clock() const noexcept;
    const ExampleInfo& example() const noexcept { return example_; }

    /// What example().run() takes: the recorder as hooks unless `hooks` is
    /// given (a step gate in front of the recorder), the clock and knobs.
    RunSetup setup(Hooks* hooks = nullptr, ExampleControl* control = nullptr) const;
    /// Runs the example on this thread until it ends; its one-line result.
    /// Throws what the example throws.
    std::string run(Hooks* hooks = nullptr, ExampleControl* control = nullptr) const;

private:
    const ExampleInfo& example_;
    KnobValues knobs_;
    std::shared_ptr<Clock> clock_;
    std::unique_ptr<trace::TraceRecorder> recorder_;
};

} // namespace pollscope::examples
