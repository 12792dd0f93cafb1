#include "block_arena.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace pollscope::trace {

BlockArena::BlockArena(std::size_t block_size)
    : block_size_((block_size + 63) / 64 * 64) {}

BlockArena::~BlockArena() {
    for (void* s : slabs_)
        munmap(s, kSlabBytes);
}

void* BlockArena::allocate() {
    if (block_size_ > kSlabBytes)
        throw std::bad_alloc();
    if (used_in_last_ + block_size_ > kSlabBytes) {
        // Twice the slab, trimmed to a 2 MiB-aligned slab: a huge page can
        // only back an aligned range.
        const std::size_t want = 2 * kSlabBytes;
        slabs_.reserve(slabs_.size() + 1); // before the mapping: nothing to leak if it throws
        void* raw = mmap(nullptr, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED)
            throw std::bad_alloc();
        // Offsets, not integer-to-pointer casts: the trimmed ends and the slab.
        const auto addr = reinterpret_cast<std::uintptr_t>(raw);
        const std::size_t lead = ((addr + kSlabBytes - 1) & ~(kSlabBytes - 1)) - addr;
        char* const base = static_cast<char*>(raw);
        if (lead > 0)
            munmap(base, lead);
        if (const std::size_t tail = want - lead - kSlabBytes; tail > 0)
            munmap(base + lead + kSlabBytes, tail);
        void* slab = base + lead;
        // A hint: where huge pages are off, 4 KiB pages back it as before.
        (void)madvise(slab, kSlabBytes, MADV_HUGEPAGE);
        slabs_.push_back(slab);
        used_in_last_ = 0;
    }
    void* block = static_cast<char*>(slabs_.back()) + used_in_last_;
    used_in_last_ += block_size_;
    return block;
}

} // namespace pollscope::trace
