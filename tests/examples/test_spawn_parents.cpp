// Every spawn records its parent (issue 9 item 6): in every example, on both
// clocks, a Spawn event's parent is the task whose poll was running on the
// spawning thread at that moment (the innermost one, as a LocalSet awaited
// inside a task nests polls), and 0 from a plain thread. The teaching
// examples' families are checked by name too: test_spawn's task_1..3,
// select's spawned variant, the LocalSet's blocks and the hand-built
// executor's tasks (spawned from the main thread).
#include "example_registry.h"
#include "record_trace.h"

#include <QtTest>

#include <map>

using namespace pollscope;
using namespace pollscope::trace;
using pollscope::examples::KnobValues;

namespace {

Trace record(const QString& id, bool virtual_clock, KnobValues extra = {}) {
    return test::record_trace(id, virtual_clock, extra);
}

/// Task id -> name, and name -> the ids that carry it.
struct Names {
    std::map<std::uint32_t, QString> of;
    std::multimap<QString, std::uint32_t> ids;
};
Names task_names(const Trace& t) {
    Names n;
    for (const Event& e : t.events)
        if (e.kind == EventKind::TaskName) {
            const auto name = QString::fromStdString(std::string(t.string(e.arg)));
            n.of[e.task] = name;
            n.ids.emplace(name, e.task);
        }
    return n;
}

/// Task id -> recorded parent (Spawn's arg).
std::map<std::uint32_t, std::uint32_t> parents(const Trace& t) {
    std::map<std::uint32_t, std::uint32_t> out;
    for (const Event& e : t.events)
        if (e.kind == EventKind::Spawn)
            out[e.task] = e.arg;
    return out;
}

/// Every task named `child` has a parent named `parent` ("" : no parent).
void expect_parent(const Trace& t, const QString& child, const QString& parent) {
    const auto names = task_names(t);
    const auto par = parents(t);
    const auto [b, e] = names.ids.equal_range(child);
    QVERIFY2(b != e, qPrintable("no task named " + child));
    for (auto it = b; it != e; ++it) {
        const auto p = par.find(it->second);
        QVERIFY2(p != par.end(), qPrintable(child + " has no Spawn"));
        const QString got = p->second == 0 ? QString() : names.of.at(p->second);
        QVERIFY2(got == parent,
                 qPrintable(child + "'s parent is '" + got + "', not '" + parent + "'"));
    }
}

} // namespace

class TestSpawnParents : public QObject {
    Q_OBJECT
private slots:
    void spawnParentIsThePollingTask_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("virtual_clock");
        for (const auto& e : examples::examples())
            for (bool v : {true, false})
                QTest::newRow(qPrintable(e.id + (v ? " virtual" : " real"))) << e.id << v;
        QTest::newRow("select spawned") << QStringLiteral("select") << true;
    }
    void spawnParentIsThePollingTask() {
        QFETCH(QString, id);
        QFETCH(bool, virtual_clock);
        const Trace t = record(id, virtual_clock,
                               QTest::currentDataTag() == QByteArray("select spawned")
                                   ? KnobValues{{"spawned", 1}}
                                   : KnobValues{});
        // Per recording thread, the polls open on it (innermost last): a
        // thread's events come in its own order.
        std::map<std::uint16_t, std::vector<std::uint32_t>> open;
        int spawns = 0, with_parent = 0;
        for (const Event& e : t.events) {
            auto& stack = open[e.thread];
            if (e.kind == EventKind::PollStart) {
                stack.push_back(e.task);
            } else if (e.kind == EventKind::PollEnd) {
                QVERIFY(!stack.empty());
                QCOMPARE(stack.back(), e.task);
                stack.pop_back();
            } else if (e.kind == EventKind::Spawn) {
                ++spawns;
                const std::uint32_t expected = stack.empty() ? 0 : stack.back();
                QVERIFY2(e.arg == expected, qPrintable(QStringLiteral("task %1: parent %2, not %3")
                                                           .arg(e.task)
                                                           .arg(e.arg)
                                                           .arg(expected)));
                with_parent += e.arg != 0;
            }
        }
        QVERIFY(spawns > 0);
        // These examples spawn tasks from inside tasks; the rest spawn only
        // their main task(s) from main() (join and select combine futures
        // inside one task; the hand-built executors spawn from main()).
        static const QStringList nested{"spawn",
                                        "local-set",
                                        "event-loop",
                                        "mutex-across-await",
                                        "cancel-unsafe-select",
                                        "late-subscriber",
                                        "unbounded-spawn"};
        const bool expect_nested =
            nested.contains(id) || QTest::currentDataTag() == QByteArray("select spawned");
        QCOMPARE(with_parent > 0, expect_nested);
    }

    void spawnFamilies() {
        {
            const Trace t = record(QStringLiteral("spawn"), true);
            expect_parent(t, QStringLiteral("test_spawn"), QString());
            for (const char* c : {"task_1", "task_2", "task_3"})
                expect_parent(t, QLatin1String(c), QStringLiteral("test_spawn"));
        }
        {
            const Trace t = record(QStringLiteral("select"), true, {{"spawned", 1}});
            for (const char* c : {"task_1", "task_2", "task_3"})
                expect_parent(t, QLatin1String(c), QStringLiteral("test_select_spawned"));
        }
        {
            // spawn_local inside the task that owns the LocalSet.
            const Trace t = record(QStringLiteral("local-set"), true);
            for (const char* c : {"async_block_1", "async_block_3"})
                expect_parent(t, QLatin1String(c), QStringLiteral("run_local_set_and_spawn_local"));
        }
        {
            // The seed's Example 2: the spawner sends from main(), no task.
            const Trace t = record(QStringLiteral("executor"), true, {{"tasks", 3}});
            for (const char* c : {"task 1", "task 2", "task 3"})
                expect_parent(t, QLatin1String(c), QString());
        }
    }
};

QTEST_GUILESS_MAIN(TestSpawnParents)
#include "test_spawn_parents.moc"
