#pragma once
// record_example: runs a built-in example with its default knobs on the
// virtual clock into a TraceStore (and, for the steps axis, the axis and the
// model built on it), as the window does.

#include "recorded_run.h"
#include "step_axis.h"
#include "trace_store.h"

#include <QString>

namespace pollscope::test {

/// Runs example `id` on the virtual clock into `real`; false if there is no such example.
inline bool record_example(const QString& id, app::TraceStore& real) {
    const auto* e = examples::find_example(id);
    if (!e)
        return false;
    auto knobs = examples::default_knobs(*e);
    knobs[examples::kVirtualTimeKnob] = 1;
    examples::RecordedRun run(*e, knobs);
    run.run();
    real.load(run.recorder().snapshot());
    return true;
}

/// As record_example, and its steps axis into `axis` and `steps`.
inline bool record_on_steps(const QString& id, app::TraceStore& real, trace::StepAxis& axis,
                            app::TraceStore& steps) {
    if (!record_example(id, real))
        return false;
    steps.load(axis.build(real));
    return true;
}

} // namespace pollscope::test
