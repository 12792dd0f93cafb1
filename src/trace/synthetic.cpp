#include "synthetic.h"

#include <deque>
#include <string>
#include <vector>

namespace pollscope::trace {

namespace {

/// splitmix64: small, fast, deterministic across platforms.
struct Rng {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
};

} // namespace

Trace make_synthetic_trace(std::size_t n, std::uint32_t tasks, std::uint16_t threads,
                           std::uint64_t seed) {
    Trace t;
    if (threads == 0)
        threads = 1;
    if (tasks == 0)
        tasks = 1;
    Rng rng{seed};
    t.strings.push_back("synthetic.cpp");            // 1
    t.strings.push_back("synthetic_task()");         // 2
    t.strings.push_back("worker");                   // 3
    t.strings.push_back("event");                    // 4
    for (std::uint32_t line = 10; line < 20; ++line) // locations 1..10
        t.locations.push_back({1, 2, line, 5});
    for (std::uint16_t i = 0; i < threads; ++i) {
        t.strings.push_back("pollscope-wrk-" + std::to_string(i));
        t.threads.push_back({1000u + i, i, static_cast<std::uint32_t>(t.strings.size() - 1)});
    }
    const auto loc_count = static_cast<std::uint32_t>(t.locations.size() - 1);

    t.events.reserve(n + 8);
    std::int64_t ts = 1000;
    std::uint32_t next_id = 1, live = 0;
    std::deque<std::uint32_t> runnable;
    std::vector<std::uint32_t> idle;
    std::vector<std::uint32_t> running(threads, 0);
    std::vector<std::uint32_t> polls_of(1, 0);
    auto emit = [&](EventKind k, std::uint32_t task, std::uint16_t thread, std::uint32_t arg = 0,
                    std::uint32_t arg2 = 0, std::uint8_t flag = 0) {
        ts += 20 + rng.below(400);
        t.events.push_back({ts, task, arg, arg2, thread, k, flag});
    };

    while (t.events.size() < n) {
        const auto th = static_cast<std::uint16_t>(rng.below(threads));
        const std::uint32_t cur = running[th];
        if (cur == 0) {
            if (live < tasks && (runnable.empty() || rng.below(4) == 0)) {
                const std::uint32_t id = next_id++;
                polls_of.push_back(0);
                ++live;
                emit(EventKind::Spawn, id, th, 0, 1 + rng.below(loc_count));
                if (id % 3 == 0)
                    emit(EventKind::TaskName, id, th, 3);
                runnable.push_back(id);
            } else if (!runnable.empty()) {
                const std::uint32_t id = runnable.front();
                runnable.pop_front();
                running[th] = id;
                emit(EventKind::PollStart, id, th);
            } else if (!idle.empty()) {
                const auto i = rng.below(static_cast<std::uint32_t>(idle.size()));
                const std::uint32_t id = idle[i];
                idle[i] = idle.back();
                idle.pop_back();
                emit(EventKind::Wake, id, th, 0); // from a plain thread (a timer)
                runnable.push_back(id);
            }
            continue;
        }
        const auto r = rng.below(10);
        if (r < 3 && !idle.empty()) {
            const auto i = rng.below(static_cast<std::uint32_t>(idle.size()));
            const std::uint32_t id = idle[i];
            idle[i] = idle.back();
            idle.pop_back();
            emit(EventKind::Wake, id, th, cur);
            runnable.push_back(id);
        } else if (r == 3) {
            emit(EventKind::Mark, cur, th, 4);
        } else {
            running[th] = 0;
            if (++polls_of[cur] >= 3 && rng.below(4) == 0) {
                emit(EventKind::PollEnd, cur, th, 0, 0, 1);
                --live;
            } else {
                emit(EventKind::PollEnd, cur, th, 1 + rng.below(loc_count), 0, 0);
                idle.push_back(cur);
            }
        }
    }
    t.events.resize(n);
    return t;
}

} // namespace pollscope::trace
