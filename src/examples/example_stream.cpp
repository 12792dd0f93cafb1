// Example 5: async streams.
//
// A Stream (src/core/stream.h) is a coroutine that co_yields its values one
// at a time, on demand: the seed's async_stream::stream! block over
// get_input_vec(). `co_await it.next()` gives the next value, or nothing
// once the body has ended.
//
// With no delay the stream is always Ready: the whole loop runs in one poll.
// With a delay the producer sleeps before each value, so every next() ends
// the consumer's poll Pending at the co_await below until the timer wakes it.
#include "example_runs.h"

#include "stream.h"
#include "time_driver.h"

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace pollscope::examples::detail {
namespace {

using std::chrono::milliseconds;

const std::vector<std::string>& get_input_vec() {
    static const std::vector<std::string> input{"a", "b", "c", "d"};
    return input;
}

Stream<std::string> gen_input_stream(milliseconds delay) {
    for (const auto& event : get_input_vec()) {
        if (delay.count() > 0)
            co_await sleep(delay); // the producer waits before each value
        co_yield event;
    }
}

// The seed's test_stream.
Task<std::string> test_stream(milliseconds delay) {
    std::size_t count = 0;
    std::string seen;
    auto it = gen_input_stream(delay);
    while (auto event = co_await it.next()) { // Pending while the producer sleeps
        const auto& lhs = *event;
        const auto& rhs = get_input_vec()[count];
        if (lhs != rhs)
            throw std::logic_error("stream yielded " + lhs + ", expected " + rhs);
        mark("got " + lhs);
        seen += (seen.empty() ? "" : " ") + lhs;
        count += 1;
    }
    co_return std::to_string(count) + " items: " + seen;
}

} // namespace

std::string run_stream(const RunSetup& setup) {
    return on_runtime(setup, 1, "test_stream", [&setup](Runtime&) {
        return test_stream(milliseconds(setup.knob("delay", 0)));
    });
}

} // namespace pollscope::examples::detail
