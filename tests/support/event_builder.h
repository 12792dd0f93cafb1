#pragma once
// ev(): one trace event, for tests that build traces by hand (the fields a
// reader looks at; the rest zero).

#include "event.h"

#include <cstdint>

namespace pollscope::test {

inline trace::Event ev(std::int64_t ts, trace::EventKind kind, std::uint32_t task,
                       std::uint16_t thread, std::uint32_t arg = 0, std::uint8_t flag = 0,
                       std::uint32_t arg2 = 0) {
    trace::Event e;
    e.ts = ts;
    e.kind = kind;
    e.task = task;
    e.thread = thread;
    e.arg = arg;
    e.arg2 = arg2;
    e.flag = flag;
    return e;
}

} // namespace pollscope::test
