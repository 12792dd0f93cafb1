#pragma once
// finishes_within: runs a scenario that must terminate on another thread and
// tells whether it did within a (generous, real-time) limit. A hang — the bug
// some tests guard against — then fails the test instead of stalling ctest;
// the stuck thread is detached and its state leaked on purpose, since it may
// still be using it.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace pollscope::test {

inline bool finishes_within(std::chrono::seconds limit, std::function<void()> scenario) {
    struct State {
        std::mutex m;
        std::condition_variable cv;
        bool done = false;
        std::function<void()> fn;
    };
    auto* s = new State;
    s->fn = std::move(scenario);
    std::thread t([s] {
        s->fn();
        std::lock_guard lk(s->m);
        s->done = true;
        s->cv.notify_all();
    });
    bool done;
    {
        std::unique_lock lk(s->m);
        done = s->cv.wait_for(lk, limit, [s] { return s->done; });
    }
    if (!done) {
        t.detach(); // still running: leave it (and *s) alone
        return false;
    }
    t.join();
    delete s;
    return true;
}

} // namespace pollscope::test
