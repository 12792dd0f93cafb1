#pragma once
// A fan-out of yielding tasks: what the stream and attach tests record.

#include "join_handle.h"
#include "runtime.h"
#include "yield_now.h"

#include <vector>

namespace pollscope::test {

inline Task<int> yielder(int times) {
    for (int i = 0; i < times; ++i)
        co_await yield_now();
    co_return times;
}

/// Spawns `tasks` tasks (named `name`) that yield `yields` times each, joins them.
inline Task<int> fan_out(int tasks, int yields, const char* name = "worker task") {
    std::vector<JoinHandle<int>> handles;
    for (int i = 0; i < tasks; ++i)
        handles.push_back(spawn(yielder(yields), name));
    int sum = 0;
    for (auto& h : handles)
        sum += co_await h;
    co_return sum;
}

} // namespace pollscope::test
