// Example 3: running async code, concurrently, on a single thread.
//
// A LocalSet (src/core/local_set.h) runs its tasks one at a time on the
// thread that drives it, so they may share data that is not thread-safe:
// here an Rc<std::string> (below: a reference count that is a plain int, like
// Rust's Rc, unlike std::shared_ptr whose count is atomic like Arc) read by
// every block, and a log string every block appends to, neither behind a lock.
// Rust refuses to compile tokio::spawn of a future holding an Rc (Rc is
// !Send); C++ has no Send: nothing but this comment stops these tasks from
// being spawned on a multi-threaded runtime, where the count would race.
// spawn_local() runs nothing by itself: the set runs its tasks while it is
// driven, by run_until(future) or by awaiting the set.
//
// On the timeline: one worker thread; the main task drives the set, so the
// local tasks' polls happen inside the main task's polls.
#include "example_runs.h"

#include "local_set.h"
#include "time_driver.h"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

namespace pollscope::examples::detail {
namespace {

using std::chrono::milliseconds;

// Rust's Rc<T>: shared ownership with a non-atomic count. Copying it from two
// threads at once is a data race: it is only safe because one thread runs
// every task of the LocalSet.
template <class T> class Rc {
public:
    explicit Rc(T value)
        : box_(new Box{std::move(value), 1}) {}
    Rc(const Rc& o) noexcept
        : box_(o.box_) {
        // The analyzer loses the box through the coroutine frame that holds it.
        // NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Assign)
        ++box_->count; // plain int: no atomic, no lock
    }
    Rc& operator=(const Rc&) = delete;
    ~Rc() {
        if (--box_->count == 0)
            delete box_;
    }
    const T& operator*() const noexcept { return box_->value; }
    /// Rust would need Rc<RefCell<T>> for this; one thread makes it safe here.
    T& borrow_mut() const noexcept { return box_->value; }
    int strong_count() const noexcept { return box_->count; }

private:
    struct Box {
        T value;
        int count;
    };
    Box* box_;
};

void say(const Rc<std::string>& log, const char* when, const Rc<std::string>& non_send_data) {
    std::string line = std::string(when) + " " + *non_send_data;
    mark(line);
    auto& text = log.borrow_mut();
    if (!text.empty())
        text += ", ";
    text += line; // no lock: only this thread ever touches it
}

Task<void> async_block_1(Rc<std::string> non_send_data, Rc<std::string> log) {
    say(log, "start", non_send_data);
    co_return;
}

Task<void> async_block_2(Rc<std::string> non_send_data, Rc<std::string> log, milliseconds time) {
    co_await sleep(time);
    say(log, "middle", non_send_data);
}

Task<void> async_block_3(Rc<std::string> non_send_data, Rc<std::string> log, milliseconds time) {
    co_await sleep(time);
    say(log, "end", non_send_data);
}

// The seed's run_local_set_and_spawn_local.
Task<std::string> run_local_set_and_spawn_local(milliseconds middle, milliseconds end) {
    // Can't be shared across threads (its count is a plain int); on one
    // thread it is fine.
    Rc<std::string> non_send_data(std::string("!SEND DATA"));
    Rc<std::string> log{std::string()};
    LocalSet local_set;

    // Spawn a local task (bound to this thread). Does not run anything.
    auto join_handle_1 = local_set.spawn_local(async_block_1(non_send_data, log), "async_block_1");
    // This is required to run async_block_1.
    co_await local_set.run_until(std::move(join_handle_1));

    // A future run by the set without being spawned.
    co_await local_set.run_until(async_block_2(non_send_data, log, middle));

    // Spawn another local task; it won't run until the set is awaited.
    auto join_handle_3 =
        local_set.spawn_local(async_block_3(non_send_data, log, end), "async_block_3");
    (void)join_handle_3;
    co_await local_set; // runs every local task to completion
    // Every clone the blocks took was dropped again, on this one thread.
    co_return *log + " (Rc count " + std::to_string(non_send_data.strong_count()) + ")";
}

} // namespace

std::string run_local_set(const RunSetup& setup) {
    return on_runtime(setup, 1, "run_local_set_and_spawn_local", [&setup](Runtime&) {
        return run_local_set_and_spawn_local(milliseconds(setup.knob("middle", 100)),
                                             milliseconds(setup.knob("end", 100)));
    });
}

} // namespace pollscope::examples::detail
