// BlockArena: blocks are distinct, 64-byte aligned, writable and keep what
// was written while more slabs are mapped; each slab starts on a 2 MiB
// boundary (where a huge page can back it); a block larger than a slab is
// refused.
#include "block_arena.h"

#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

using pollscope::trace::BlockArena;

class TestBlockArena : public QObject {
    Q_OBJECT
private slots:
    void blocksAreDistinctAlignedAndKeepTheirContents() {
        constexpr std::size_t size = 65536 - 24; // rounded up to 64 inside
        BlockArena arena(size);
        std::vector<unsigned char*> blocks;
        for (int i = 0; i < 100; ++i) { // 32 per slab: four slabs
            auto* b = static_cast<unsigned char*>(arena.allocate());
            QCOMPARE(reinterpret_cast<std::uintptr_t>(b) % 64, std::uintptr_t(0));
            std::memset(b, i, size);
            blocks.push_back(b);
        }
        std::size_t slab_starts = 0;
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            const auto* b = blocks[i];
            QVERIFY(std::all_of(b, b + size, [&](unsigned char c) { return c == (i & 0xff); }));
            slab_starts += reinterpret_cast<std::uintptr_t>(b) % BlockArena::kSlabBytes == 0;
        }
        QCOMPARE(slab_starts, std::size_t(4));
        auto sorted = blocks;
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t i = 1; i < sorted.size(); ++i)
            QVERIFY(sorted[i] >= sorted[i - 1] + size);
    }

    void blockLargerThanASlabIsRefused() {
        BlockArena arena(BlockArena::kSlabBytes + 1);
        QVERIFY_THROWS_EXCEPTION(std::bad_alloc, arena.allocate());
    }
};

QTEST_GUILESS_MAIN(TestBlockArena)
#include "test_block_arena.moc"
