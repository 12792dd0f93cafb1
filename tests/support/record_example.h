#pragma once
// record_example: runs a built-in example with its default knobs on the
// virtual clock into a TraceStore (and, for the steps axis, the axis and the
// model built on it), as the window does.

#include "record_trace.h"
#include "step_axis.h"
#include "trace_store.h"

#include <QString>

namespace pollscope::test {

/// Runs example `id` on the virtual clock into `real`; false if there is no such example.
inline bool record_example(const QString& id, app::TraceStore& real) {
    if (!examples::find_example(id))
        return false;
    real.load(record_trace(id, true));
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
