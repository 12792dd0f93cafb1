#pragma once
// record_trace: runs a built-in example as the window does (RecordedRun),
// with its default knobs on the chosen clock and any knobs overridden, and
// returns what was recorded.

#include "example_registry.h"
#include "recorded_run.h"

#include <QString>

namespace pollscope::test {

inline trace::Trace record_trace(const QString& id, bool virtual_clock,
                                 const examples::KnobValues& extra = {}) {
    const auto* e = examples::find_example(id);
    if (!e)
        qFatal("no example %s", qPrintable(id));
    auto knobs = examples::default_knobs(*e);
    if (e->knob(examples::kVirtualTimeKnob))
        knobs[examples::kVirtualTimeKnob] = virtual_clock ? 1 : 0;
    for (const auto& [k, v] : extra)
        knobs[k] = v;
    examples::RecordedRun run(*e, knobs);
    run.run();
    return run.recorder().snapshot();
}

} // namespace pollscope::test
