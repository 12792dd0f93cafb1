#pragma once
// BlockArena: fixed-size blocks carved from 2 MiB slabs that the kernel may
// back with huge pages (madvise MADV_HUGEPAGE). The recorder's chunks come
// from here: a recording writes ~16 MB per million events into fresh memory,
// and with 4 KiB pages every 4 KiB of it costs a page fault (measured: 5-7%
// of a recorded spawn_many or chained_spawn, plus the heap's mprotect growth
// in a worker's malloc arena). Blocks are handed out, never returned one by
// one: the owner recycles them itself; the slabs go with the arena.

#include <cstddef>
#include <vector>

namespace pollscope::trace {

class BlockArena {
public:
    /// `block_size` bytes per block, a divisor of the slab size or smaller
    /// than it (the slab's tail that no block fits is unused).
    explicit BlockArena(std::size_t block_size);
    ~BlockArena();
    BlockArena(const BlockArena&) = delete;
    BlockArena& operator=(const BlockArena&) = delete;

    /// A block of `block_size` bytes, aligned to 64, uninitialised (zero
    /// when fresh from the kernel). Throws std::bad_alloc when out of memory.
    void* allocate();

    static constexpr std::size_t kSlabBytes = std::size_t(2) << 20;

private:
    std::size_t block_size_;
    std::vector<void*> slabs_;
    std::size_t used_in_last_ = kSlabBytes; // bytes handed out of slabs_.back()
};

} // namespace pollscope::trace
