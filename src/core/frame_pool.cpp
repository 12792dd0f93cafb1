// Per-thread pools of coroutine frames and task cells, by size class.
//
// A task is usually allocated on the worker that spawns it and freed on the
// one that finishes it. A block therefore remembers its pool: freed on its own
// thread it goes back to the local list; freed elsewhere it is pushed onto the
// owner's lock-free "remote" list, which the owner takes over when its local
// list runs dry (mimalloc's scheme). Without this the spawner mallocs every
// frame while the finisher's cache overflows into free().

#include "task.h"

#include <atomic>
#include <cstddef>
#include <mutex>
#include <new>
#include <vector>

namespace pollscope::detail {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Let the sanitizers see every allocation.
void* allocate_frame(std::size_t size) {
    return ::operator new(size);
}
void deallocate_frame(void* p, std::size_t) noexcept {
    ::operator delete(p);
}
#else
namespace {
constexpr std::size_t kGranule = 64;
constexpr std::size_t kClasses = 16;     // blocks up to 1 KiB are pooled
constexpr std::size_t kMaxLocal = 65536; // per class; beyond, free() for real
constexpr std::size_t kHeader = alignof(std::max_align_t);

struct FreeNode {
    FreeNode* next;
};

struct Pool;

struct alignas(kHeader) BlockHeader {
    Pool* owner; // null: not pooled (too large)
    std::size_t size_class;
};
static_assert(sizeof(BlockHeader) == kHeader);

struct Pool {
    FreeNode* local[kClasses] = {};
    std::size_t counts[kClasses] = {};
    std::atomic<FreeNode*> remote[kClasses] = {};
    std::atomic<bool> orphaned{false}; // its thread exited; remote frees go to free()
};

// Pools outlive their threads (frames may be freed later anywhere); an exited
// thread's pool is handed to the next new thread instead of being leaked.
std::mutex orphans_m;
std::vector<Pool*> orphans;

struct PoolOwner {
    Pool* pool = nullptr;
    Pool* get() {
        if (!pool) {
            std::lock_guard lk(orphans_m);
            if (!orphans.empty()) {
                pool = orphans.back();
                orphans.pop_back();
            } else {
                pool = new Pool;
            }
            pool->orphaned.store(false, std::memory_order_release);
        }
        return pool;
    }
    ~PoolOwner();
};

thread_local PoolOwner tls_pool;
thread_local bool tls_pool_gone = false; // trivially destructible: readable during thread exit

PoolOwner::~PoolOwner() {
    tls_pool_gone = true; // frees later in this thread's exit go straight to free()
    if (!pool)
        return;
    {
        pool->orphaned.store(true, std::memory_order_release);
        for (std::size_t c = 0; c < kClasses; ++c) {
            auto* n = pool->local[c];
            auto* r = pool->remote[c].exchange(nullptr, std::memory_order_acquire);
            for (auto* list : {n, r})
                while (list)
                    ::operator delete(std::exchange(list, list->next));
            pool->local[c] = nullptr;
            pool->counts[c] = 0;
        }
        std::lock_guard lk(orphans_m);
        orphans.push_back(std::exchange(pool, nullptr));
    }
}

std::size_t class_of(std::size_t total) {
    return (total + kGranule - 1) / kGranule - 1;
}

Pool* my_pool() {
    if (tls_pool_gone)
        return nullptr;
    return tls_pool.get();
}
} // namespace

void* allocate_frame(std::size_t size) {
    const std::size_t total = size + kHeader;
    const std::size_t c = class_of(total);
    Pool* pool = c < kClasses ? my_pool() : nullptr;
    void* raw = nullptr;
    if (pool) {
        if (!pool->local[c]) {
            // Take over what other threads gave back, uncounted: walking the
            // list to count it would touch every cold block (a cache miss
            // each). counts[] thus bounds only what this thread freed itself.
            pool->local[c] = pool->remote[c].exchange(nullptr, std::memory_order_acquire);
        }
        if (auto* n = pool->local[c]) {
            pool->local[c] = n->next;
            if (pool->counts[c] > 0)
                --pool->counts[c];
            raw = n;
        } else {
            raw = ::operator new((c + 1) * kGranule);
        }
    } else {
        raw = ::operator new(c < kClasses ? (c + 1) * kGranule : total);
    }
    auto* h = static_cast<BlockHeader*>(raw);
    h->owner = pool;
    h->size_class = c;
    return static_cast<char*>(raw) + kHeader;
}

void deallocate_frame(void* p, std::size_t) noexcept {
    auto* h = reinterpret_cast<BlockHeader*>(static_cast<char*>(p) - kHeader);
    Pool* owner = h->owner;
    const std::size_t c = h->size_class;
    if (!owner) {
        ::operator delete(h);
        return;
    }
    auto* n = reinterpret_cast<FreeNode*>(h);
    Pool* mine = tls_pool_gone ? nullptr : tls_pool.pool;
    if (owner == mine) {
        if (mine->counts[c] >= kMaxLocal) {
            ::operator delete(h);
            return;
        }
        n->next = mine->local[c];
        mine->local[c] = n;
        ++mine->counts[c];
        return;
    }
    if (owner->orphaned.load(std::memory_order_acquire)) {
        ::operator delete(h);
        return;
    }
    auto& head = owner->remote[c];
    n->next = head.load(std::memory_order_relaxed);
    while (!head.compare_exchange_weak(n->next, n, std::memory_order_release,
                                       std::memory_order_relaxed)) {
    }
}
#endif

} // namespace pollscope::detail
