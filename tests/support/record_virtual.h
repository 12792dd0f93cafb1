#pragma once
// record_virtual: runs one root task to its end on a fresh Runtime whose
// clock is virtual, recording every event, and returns the trace.

#include "clock.h"
#include "recorder.h"
#include "runtime.h"

#include <utility>

namespace pollscope::test {

template <class RootTask>
trace::Trace record_virtual(RootTask root, const char* name, int workers = 1) {
    auto clock = Clock::make_virtual();
    trace::TraceRecorder rec({0, trace::TraceRecorder::clock_time(clock), true});
    {
        RuntimeOptions o;
        o.workers = workers;
        o.hooks = &rec;
        o.clock = clock;
        Runtime rt(o);
        rt.block_on(std::move(root), name);
    }
    return rec.snapshot();
}

} // namespace pollscope::test
