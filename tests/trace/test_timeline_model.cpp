// TimelineModel: polls paired per thread, wakes linked to the poll they
// caused, waiting and scheduled stretches, and the same model whether the
// events come whole or in drain-like batches.
#include "event_builder.h"
#include "synthetic.h"
#include "timeline_model.h"

#include <QtTest>

#include <random>

using namespace pollscope::trace;

namespace {

using pollscope::test::ev;

Event start(std::int64_t ts, std::uint32_t task, std::uint16_t thread) {
    return ev(ts, EventKind::PollStart, task, thread);
}
Event end(std::int64_t ts, std::uint32_t task, std::uint16_t thread, Outcome o = Outcome::Pending,
          std::uint32_t site = 0) {
    return ev(ts, EventKind::PollEnd, task, thread, site, std::uint8_t(o));
}
Event wake(std::int64_t ts, std::uint32_t task, std::uint16_t thread, std::uint32_t by = 0) {
    return ev(ts, EventKind::Wake, task, thread, by);
}
Event spawn(std::int64_t ts, std::uint32_t task, std::uint16_t thread, std::uint32_t parent = 0) {
    return ev(ts, EventKind::Spawn, task, thread, parent);
}

Trace tables(int threads) {
    Trace t;
    for (int i = 0; i < threads; ++i)
        t.threads.push_back({std::uint64_t(100 + i), i, 0});
    return t;
}

} // namespace

class TestTimelineModel : public QObject {
    Q_OBJECT
private slots:
    void pairs_per_thread_when_other_threads_come_late() {
        // Task 1 is polled on thread 0 (10..20) and then on thread 1
        // (30..40); thread 0's events arrive in a later batch than thread 1's.
        TimelineModel m;
        m.merge_tables(tables(2));
        m.append({spawn(0, 1, 0), start(30, 1, 1), end(40, 1, 1, Outcome::Ready)});
        m.append({start(10, 1, 0), end(20, 1, 0)});
        QCOMPARE(m.polls().size(), std::size_t(2));
        for (const auto& p : m.polls()) {
            QVERIFY(!p.open());
            QCOMPARE(p.end - p.start, std::int64_t(10));
            QCOMPARE(p.thread, std::uint16_t(p.start == 10 ? 0 : 1));
        }
    }

    void nested_polls_on_one_thread() {
        // A LocalSet awaited inside task 1 polls task 2 within task 1's poll.
        TimelineModel m;
        m.merge_tables(tables(1));
        m.append({spawn(0, 1, 0), spawn(0, 2, 0), start(10, 1, 0), start(12, 2, 0),
                  end(15, 2, 0, Outcome::Ready), end(20, 1, 0, Outcome::Ready)});
        QCOMPARE(m.polls().size(), std::size_t(2));
        const auto& outer = m.polls()[0];
        const auto& inner = m.polls()[1];
        QCOMPARE(outer.task, 1u);
        QCOMPARE(outer.start, std::int64_t(10));
        QCOMPARE(outer.end, std::int64_t(20));
        QCOMPARE(inner.task, 2u);
        QCOMPARE(inner.start, std::int64_t(12));
        QCOMPARE(inner.end, std::int64_t(15));
    }

    void wakes_link_to_the_poll_they_caused() {
        TimelineModel m;
        m.merge_tables(tables(2));
        m.append({spawn(0, 1, 0), start(5, 1, 0), end(10, 1, 0), // Pending
                  wake(30, 1, 1),                                // from thread 1
                  start(50, 1, 0), wake(55, 1, 0, 1),            // self-wake while running
                  end(60, 1, 0), start(70, 1, 0), end(80, 1, 0, Outcome::Ready),
                  wake(90, 1, 1)}); // after the end: caused nothing
        QCOMPARE(m.polls().size(), std::size_t(3));
        QCOMPARE(m.wakes().size(), std::size_t(3));
        QCOMPARE(m.wakes()[0].caused, 1u);
        QCOMPARE(m.wakes()[1].caused, 2u);
        QCOMPARE(m.wakes()[2].caused, kNoIndex);
        QVERIFY(m.cause_of(0) == nullptr);
        QCOMPARE(m.cause_of(1)->ts, std::int64_t(30));
        QCOMPARE(m.cause_of(2)->ts, std::int64_t(55));
        // Waiting from the Pending end to the wake, scheduled from there on.
        std::vector<Wait> w;
        m.waits_before(1, w);
        QCOMPARE(w.size(), std::size_t(2));
        QCOMPARE(w[0].kind, Wait::Kind::Waiting);
        QCOMPARE(w[0].start, std::int64_t(10));
        QCOMPARE(w[0].end, std::int64_t(30));
        QCOMPARE(w[1].kind, Wait::Kind::Scheduled);
        QCOMPARE(w[1].start, std::int64_t(30));
        QCOMPARE(w[1].end, std::int64_t(50));
        // Woken while running: runnable from the end of that poll, no waiting.
        w.clear();
        m.waits_before(2, w);
        QCOMPARE(w.size(), std::size_t(1));
        QCOMPARE(w[0].kind, Wait::Kind::Scheduled);
        QCOMPARE(w[0].start, std::int64_t(60));
        // First poll: scheduled from the spawn.
        w.clear();
        m.waits_before(0, w);
        QCOMPARE(w.size(), std::size_t(1));
        QCOMPARE(w[0].start, std::int64_t(0));
    }

    void a_late_wake_still_finds_its_poll() {
        // The waking thread's events come in a later batch than the poll.
        TimelineModel m;
        m.merge_tables(tables(2));
        m.append({spawn(0, 1, 0), start(5, 1, 0), end(10, 1, 0), start(50, 1, 0),
                  end(60, 1, 0, Outcome::Ready)});
        m.append({wake(30, 1, 1)});
        QCOMPARE(m.wakes()[0].caused, 1u);
        QCOMPARE(m.ready_at(1), std::int64_t(30));
    }

    void same_instant_wake_from_another_thread() {
        // Virtual time: the timer thread's wake and the poll it caused share
        // an instant, and the poll's thread was drained first.
        TimelineModel m;
        m.merge_tables(tables(2));
        m.append({spawn(0, 1, 0), start(0, 1, 0), end(0, 1, 0), start(100, 1, 0)});
        m.append({wake(100, 1, 1)});
        QCOMPARE(m.wakes()[0].caused, 1u);
        // ... but a wake from inside the poll, on its own thread, is not its cause.
        m.append({wake(100, 1, 0, 1), end(100, 1, 0), start(100, 1, 0)});
        QCOMPARE(m.wakes().size(), std::size_t(2));
        const auto self = std::find_if(m.wakes().begin(), m.wakes().end(),
                                       [](const WakeRec& w) { return w.waker == 1; });
        QCOMPARE(self->caused, 2u);
    }

    void labels_and_locations_have_one_format() {
        // The one place task titles and source locations are written (the
        // views, the log, the CLI and the Chrome export all call these).
        Trace t = tables(1);
        t.strings = {"", "/src/examples/example_stream.cpp", "main_loop"};
        t.locations.resize(1); // id 0: unknown
        SourceLoc l;
        l.file = 1;
        l.line = 42;
        t.locations.push_back(l);
        QCOMPARE(t.location_text(1), std::string("/src/examples/example_stream.cpp:42"));
        QCOMPARE(t.short_location_text(1), std::string("example_stream.cpp:42"));
        QCOMPARE(t.short_location_text(0), std::string());
        QCOMPARE(t.short_location_text(7), std::string()); // unknown id
        TimelineModel m;
        m.merge_tables(t);
        m.append({spawn(0, 1, 0), ev(0, EventKind::TaskName, 1, 0, 2), spawn(1, 2, 0)});
        QCOMPARE(m.task_label(1), std::string("main_loop"));
        QCOMPARE(m.task_title(1), std::string("main_loop #1"));
        QCOMPARE(m.task_label(2), std::string("task 2"));
        QCOMPARE(m.task_title(2), std::string("task 2")); // the id is in the label already
    }

    void batches_give_the_model_of_the_whole() {
        const Trace whole = make_synthetic_trace(20000, 40, 3);
        TimelineModel all;
        all.load(whole);
        // Drain-like batches: each thread's events in order, threads cut at
        // different points, so other threads' events arrive late.
        std::mt19937 rng(7);
        std::vector<std::vector<Event>> per_thread(whole.threads.size());
        for (const auto& e : whole.events)
            per_thread[e.thread].push_back(e);
        std::vector<std::size_t> pos(per_thread.size(), 0);
        TimelineModel inc;
        Trace t = whole;
        t.events.clear();
        inc.merge_tables(t);
        bool more = true;
        while (more) {
            more = false;
            std::vector<Event> batch;
            for (std::size_t th = 0; th < per_thread.size(); ++th) {
                const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 400)(rng);
                const std::size_t to = std::min(per_thread[th].size(), pos[th] + n);
                batch.insert(batch.end(), per_thread[th].begin() + std::ptrdiff_t(pos[th]),
                             per_thread[th].begin() + std::ptrdiff_t(to));
                pos[th] = to;
                more = more || to < per_thread[th].size();
            }
            inc.append(std::move(batch));
        }
        QCOMPARE(inc.polls().size(), all.polls().size());
        // Same polls (by task, start, end, outcome) and same links.
        auto key = [](const TimelineModel& m) {
            std::vector<std::tuple<std::uint32_t, std::int64_t, std::int64_t, int, std::int64_t>> v;
            for (std::uint32_t i = 0; i < m.polls().size(); ++i) {
                const auto& p = m.polls()[i];
                v.emplace_back(p.task, p.start, p.end, int(p.outcome), m.ready_at(i));
            }
            std::sort(v.begin(), v.end());
            return v;
        };
        QVERIFY(key(inc) == key(all));
        auto links = [](const TimelineModel& m) {
            std::vector<std::tuple<std::int64_t, std::uint32_t, std::int64_t>> v;
            for (const auto& w : m.wakes())
                v.emplace_back(w.ts, w.woken,
                               w.caused == kNoIndex ? -1 : m.polls()[w.caused].start);
            std::sort(v.begin(), v.end());
            return v;
        };
        QVERIFY(links(inc) == links(all));
        QVERIFY(std::any_of(all.wakes().begin(), all.wakes().end(),
                            [](const WakeRec& w) { return w.caused != kNoIndex; }));
    }

    void deferred_levels_of_detail_settle_with_the_next_append() {
        // The live feed appends to its private copy with Lod::Defer, then
        // the next append (or an empty one) settles: the levels of detail
        // are then those of a model loaded whole.
        const Trace whole = make_synthetic_trace(60000, 6, 2);
        TimelineModel all;
        all.load(whole);
        TimelineModel inc;
        Trace t = whole;
        t.events.clear();
        inc.merge_tables(t);
        const std::size_t step = 3000;
        for (std::size_t i = 0; i < whole.events.size(); i += step) {
            const auto to = std::min(whole.events.size(), i + step);
            // Every other batch deferred, the last one too.
            const auto lod = (i / step) % 2 == 0 || to == whole.events.size()
                                 ? TimelineModel::Lod::Defer
                                 : TimelineModel::Lod::Settle;
            inc.append({whole.events.begin() + std::ptrdiff_t(i),
                        whole.events.begin() + std::ptrdiff_t(to)},
                       lod);
        }
        const auto levels = [](const TimelineModel& m) {
            std::vector<std::tuple<std::uint32_t, int, std::int64_t, std::int64_t, std::uint32_t>>
                v;
            for (const auto* lanes : {&m.task_lanes(), &m.thread_lanes()})
                for (const auto& lane : *lanes)
                    for (int k = 0; k < lane.lod.level_count(); ++k)
                        for (const auto& b : lane.lod.level(k))
                            v.emplace_back(lane.key, k, b.first, b.busy, b.polls);
            return v;
        };
        // The thread lanes have thousands of polls: several levels.
        QVERIFY(std::all_of(all.thread_lanes().begin(), all.thread_lanes().end(),
                            [](const Lane& l) { return l.lod.level_count() > 3; }));
        QVERIFY(levels(inc) != levels(all)); // the last append was deferred
        inc.append({});                      // settles what it left
        QVERIFY(levels(inc) == levels(all));
    }
};

QTEST_GUILESS_MAIN(TestTimelineModel)
#include "test_timeline_model.moc"
