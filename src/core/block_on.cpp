#include "block_on.h"

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace pollscope {

struct ThreadParker::Inner {
    std::atomic<int> refs{1};
    std::mutex m;
    std::condition_variable cv;
    bool notified = false;

    void unpark() {
        {
            std::lock_guard lk(m);
            notified = true;
        }
        cv.notify_one();
    }
    void unref() {
        if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            delete this;
    }
};

struct ParkerAccess {
    using Inner = ThreadParker::Inner;
};

namespace {
using Inner = ParkerAccess::Inner;
void p_clone(void* p) {
    static_cast<Inner*>(p)->refs.fetch_add(1, std::memory_order_relaxed);
}
void p_wake(void* p) {
    static_cast<Inner*>(p)->unpark();
    static_cast<Inner*>(p)->unref();
}
void p_wake_by_ref(void* p) {
    static_cast<Inner*>(p)->unpark();
}
void p_drop(void* p) {
    static_cast<Inner*>(p)->unref();
}
constexpr WakerVTable kParkerVTable{p_clone, p_wake, p_wake_by_ref, p_drop};
} // namespace

ThreadParker::ThreadParker()
    : inner_(new Inner) {}
ThreadParker::~ThreadParker() {
    inner_->unref();
}

Waker ThreadParker::waker() const {
    p_clone(inner_);
    return Waker(&kParkerVTable, inner_);
}

void ThreadParker::park() {
    std::unique_lock lk(inner_->m);
    inner_->cv.wait(lk, [&] { return inner_->notified; });
    inner_->notified = false;
}

} // namespace pollscope
