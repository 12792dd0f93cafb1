// SpawnTree and LaneOrder: children under parents in node order, positions,
// depth-first order with depths, parents that come after their child (a
// corrupt file's cycle) made roots, a deep chain without recursion; lanes
// grouped by parent with siblings in spawn order.
#include "lane_order.h"
#include "spawn_tree.h"
#include "timeline_model.h"

#include <QtTest>

#include <vector>

using namespace pollscope::trace;

namespace {
constexpr auto N = SpawnTree::kNone;

std::vector<std::uint32_t> list(std::span<const std::uint32_t> s) {
    return {s.begin(), s.end()};
}

Event ev(std::int64_t ts, EventKind kind, std::uint32_t task, std::uint32_t arg = 0) {
    Event e;
    e.ts = ts;
    e.kind = kind;
    e.task = task;
    e.arg = arg;
    return e;
}
} // namespace

class TestSpawnTree : public QObject {
    Q_OBJECT
private slots:
    void childrenAndPositions() {
        //   0 -> 1 -> 3, 0 -> 4, 2 (root), 5: parent 6 comes later -> root
        const std::vector<std::uint32_t> parent{N, 0, N, 1, 0, 6, 5};
        SpawnTree t(parent);
        QCOMPARE(list(t.roots()), (std::vector<std::uint32_t>{0, 2, 5}));
        QCOMPARE(list(t.children(0)), (std::vector<std::uint32_t>{1, 4}));
        QCOMPARE(list(t.children(1)), (std::vector<std::uint32_t>{3}));
        QCOMPARE(list(t.children(5)), (std::vector<std::uint32_t>{6}));
        QCOMPARE(t.parent(5), N);
        QCOMPARE(t.parent(6), 5u);
        QCOMPARE(t.position(4), 1u);
        QCOMPARE(t.position(2), 1u);
        QCOMPARE(t.position(5), 2u);
        std::vector<std::uint32_t> order;
        std::vector<std::uint16_t> depth;
        t.depth_first(order, depth);
        QCOMPARE(order, (std::vector<std::uint32_t>{0, 1, 3, 4, 2, 5, 6}));
        QCOMPARE(depth, (std::vector<std::uint16_t>{0, 1, 2, 1, 0, 0, 1}));
    }

    void deepChain() {
        // A million nested spawns: no recursion, depth saturates.
        std::vector<std::uint32_t> parent(1'000'000);
        parent[0] = N;
        for (std::uint32_t i = 1; i < parent.size(); ++i)
            parent[i] = i - 1;
        SpawnTree t(parent);
        std::vector<std::uint32_t> order;
        std::vector<std::uint16_t> depth;
        t.depth_first(order, depth);
        QCOMPARE(order.size(), parent.size());
        QCOMPARE(order.back(), std::uint32_t(parent.size() - 1));
        QCOMPARE(depth[1000], std::uint16_t(1000));
        QCOMPARE(depth.back(), std::uint16_t(0xffff));
    }

    void lanesGroupedByParent() {
        // Task 1 spawns 2 and 4, 2 spawns 3, 5 is a root spawned before 4.
        TimelineModel m;
        Trace t;
        t.threads.push_back({});
        t.events = {ev(10, EventKind::Spawn, 1), ev(20, EventKind::Spawn, 2, 1),
                    ev(30, EventKind::Spawn, 5), ev(40, EventKind::Spawn, 3, 2),
                    ev(50, EventKind::Spawn, 4, 1)};
        m.load(t);
        const auto o = LaneOrder::by_parent(m);
        std::vector<std::uint32_t> keys;
        for (auto l : o.lane_of_row)
            keys.push_back(m.task_lanes()[l].key);
        QCOMPARE(keys, (std::vector<std::uint32_t>{1, 2, 3, 4, 5}));
        QCOMPARE(o.depth, (std::vector<std::uint16_t>{0, 1, 2, 1, 0}));
        for (std::uint32_t r = 0; r < o.lane_of_row.size(); ++r)
            QCOMPARE(o.row_of_lane[o.lane_of_row[r]], r);
    }
};

QTEST_GUILESS_MAIN(TestSpawnTree)
#include "test_spawn_tree.moc"
