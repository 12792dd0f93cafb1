// Per-thread free lists of coroutine frames and task cells by size class.
// Frames are freed on whichever thread finishes the task; a frame freed on
// another thread simply joins that thread's list.

#include "task.h"

#include <cstddef>
#include <new>

namespace pollscope::detail {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Let the sanitizers see every allocation.
void* allocate_frame(std::size_t size) { return ::operator new(size); }
void deallocate_frame(void* p, std::size_t) noexcept { ::operator delete(p); }
#else
namespace {
constexpr std::size_t kGranule = 64;
constexpr std::size_t kClasses = 16; // frames up to 1 KiB are recycled
constexpr std::size_t kMaxCached = 4096;

struct FreeNode {
    FreeNode* next;
};

thread_local bool pool_gone = false; // trivially destructible: readable during thread exit

struct FramePool {
    FreeNode* heads[kClasses] = {};
    std::size_t counts[kClasses] = {};
    ~FramePool() {
        pool_gone = true;
        for (auto*& h : heads)
            while (h)
                ::operator delete(std::exchange(h, h->next));
    }
};

thread_local FramePool pool;

std::size_t class_of(std::size_t size) {
    return (size + kGranule - 1) / kGranule - 1;
}
} // namespace

void* allocate_frame(std::size_t size) {
    auto c = class_of(size);
    if (c < kClasses && !pool_gone) {
        if (auto* n = pool.heads[c]) {
            pool.heads[c] = n->next;
            --pool.counts[c];
            return n;
        }
        return ::operator new((c + 1) * kGranule);
    }
    return ::operator new(size);
}

void deallocate_frame(void* p, std::size_t size) noexcept {
    auto c = class_of(size);
    if (c < kClasses && !pool_gone && pool.counts[c] < kMaxCached) {
        auto* n = static_cast<FreeNode*>(p);
        n->next = pool.heads[c];
        pool.heads[c] = n;
        ++pool.counts[c];
        return;
    }
    ::operator delete(p);
}
#endif

} // namespace pollscope::detail
