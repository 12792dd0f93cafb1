// SpawnInfo::parent on every executor: a task spawned inside another task's
// poll names that task, one spawned from a plain thread names 0 — on the
// hand-built ChannelExecutor (a Spawner clone held by a task), inside a
// LocalSet (the task driving the set, and a local task spawning a sibling),
// and on the Runtime.
#include "channel_executor.h"
#include "local_set.h"
#include "recording_hooks.h"
#include "runtime.h"

#include <QtTest>

#include <map>
#include <string>

using namespace pollscope;
using pollscope::test::RecordingHooks;

namespace {

/// name -> (id, parent) of every spawn.
std::map<std::string, std::pair<TaskId, TaskId>> spawns(const RecordingHooks& h) {
    std::map<std::string, std::pair<TaskId, TaskId>> out;
    for (const auto& e : h.entries())
        if (e.kind == "spawn")
            out[e.text] = {e.task, e.other};
    return out;
}

Task<void> nothing() {
    co_return;
}

Task<void> spawn_with(Spawner spawner) {
    spawner.spawn(nothing(), "child");
    co_return;
}

Task<void> local_spawns_sibling(LocalSet* set) {
    (void)set->spawn_local(nothing(), "sibling");
    co_return;
}

Task<void> drive_local_set() {
    LocalSet set;
    (void)set.spawn_local(local_spawns_sibling(&set), "local");
    co_await set;
}

Task<void> spawn_on_runtime() {
    co_await spawn(nothing(), "runtime child");
}

} // namespace

class TestSpawnParent : public QObject {
    Q_OBJECT
private slots:
    void channelExecutor() {
        RecordingHooks hooks;
        auto [executor, spawner] = new_executor_and_spawner(16, &hooks);
        spawner.spawn(spawn_with(spawner), "parent");
        { auto drop = std::move(spawner); }
        executor.run();
        const auto s = spawns(hooks);
        QCOMPARE(s.at("parent").second, TaskId(0)); // from main()
        QCOMPARE(s.at("child").second, s.at("parent").first);
    }

    void localSet() {
        RecordingHooks hooks;
        RuntimeOptions o;
        o.workers = 1;
        o.hooks = &hooks;
        Runtime rt(o);
        rt.block_on(drive_local_set(), "driver");
        const auto s = spawns(hooks);
        QCOMPARE(s.at("driver").second, TaskId(0));
        QCOMPARE(s.at("local").second, s.at("driver").first);
        QCOMPARE(s.at("sibling").second, s.at("local").first);
    }

    void runtime() {
        RecordingHooks hooks;
        RuntimeOptions o;
        o.workers = 2;
        o.hooks = &hooks;
        Runtime rt(o);
        rt.block_on(spawn_on_runtime(), "root");
        const auto s = spawns(hooks);
        QCOMPARE(s.at("root").second, TaskId(0));
        QCOMPARE(s.at("runtime child").second, s.at("root").first);
    }
};

QTEST_GUILESS_MAIN(TestSpawnParent)
#include "test_spawn_parent.moc"
