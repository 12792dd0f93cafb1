// Task details and the resources table (trace/task_details.h,
// trace/resource_table.h) of recorded examples on the virtual clock, checked
// against the raw events and the statistics: each histogram's buckets hold
// exactly the task's poll durations (and scheduled delays), bucketed here
// again from the model's polls, with p50/p90/p99 the nearest ranks of the
// sorted durations; await sites and resources count the task's Pending
// PollEnd events; waits add up to the statistics' idle time; children are
// the Spawn events naming the task; the event loop's mpsc and broadcast are
// rows of the resources table.
#include "record_trace.h"
#include "resource_table.h"
#include "stats.h"
#include "task_details.h"
#include "timeline_model.h"

#include <QtTest>

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

using namespace pollscope;
using namespace pollscope::trace;

namespace {

struct Recorded {
    TimelineModel model;
    TraceStats stats;
};

std::unique_ptr<Recorded> record(const QString& id) {
    auto r = std::make_unique<Recorded>();
    r->model.load(test::record_trace(id, true));
    r->stats = compute_stats(r->model);
    return r;
}

/// Nearest rank q (0..1) of sorted samples.
std::int64_t rank(const std::vector<std::int64_t>& sorted, double q) {
    const auto n = sorted.size();
    const auto k = std::max<std::size_t>(1, std::size_t(std::ceil(q * double(n))));
    return sorted[std::min(n, k) - 1];
}

/// The buckets of `samples` counted here: [2^i, 2^(i+1)), 0 and 1 in the first.
std::map<std::int64_t, std::uint32_t> bucket_counts(const std::vector<std::int64_t>& samples) {
    std::map<std::int64_t, std::uint32_t> out; // bucket's low end -> count
    for (auto v : samples) {
        const auto i = std::bit_width(std::uint64_t(std::max<std::int64_t>(v, 1))) - 1;
        ++out[i == 0 ? 0 : std::int64_t{1} << i];
    }
    return out;
}

void check_histogram(const DurationSummary& d, std::vector<std::int64_t> samples,
                     const QString& what) {
    std::sort(samples.begin(), samples.end());
    const auto buckets = histogram_buckets(d);
    std::uint64_t sum = 0;
    std::map<std::int64_t, std::uint32_t> shown;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        sum += buckets[i].count;
        if (buckets[i].count)
            shown[buckets[i].lo] = buckets[i].count;
        QCOMPARE(buckets[i].hi, i + 1 < buckets.size() ? buckets[i + 1].lo : buckets[i].hi);
    }
    QVERIFY2(sum == samples.size(), qPrintable(what));
    QVERIFY2(d.count == samples.size(), qPrintable(what));
    QVERIFY2(shown == bucket_counts(samples), qPrintable(what));
    if (samples.empty()) {
        QVERIFY(buckets.empty());
        return;
    }
    // Trimmed: the first and last shown buckets hold samples.
    QVERIFY(buckets.front().count > 0 && buckets.back().count > 0);
    QCOMPARE(d.p50, rank(samples, 0.5));
    QCOMPARE(d.p90, rank(samples, 0.9));
    QCOMPARE(d.p99, rank(samples, 0.99));
    QVERIFY(d.p50 <= d.p90 && d.p90 <= d.p99 && d.p99 <= d.max);
}

} // namespace

class TestTaskDetails : public QObject {
    Q_OBJECT
private slots:
    void histograms_hold_every_poll_data() {
        QTest::addColumn<QString>("id");
        for (const char* id : {"join", "select", "spawn", "event-loop", "executor"})
            QTest::newRow(id) << QString::fromLatin1(id);
    }

    void histograms_hold_every_poll() {
        QFETCH(QString, id);
        const auto r = record(id);
        QVERIFY(!r->stats.tasks.empty());
        for (const TaskStats& t : r->stats.tasks) {
            if (t.id == 0)
                continue;
            const TaskDetails d = task_details(r->model, r->stats, t.id);
            QVERIFY(d.found);
            const Lane& lane = r->model.task_lanes()[std::size_t(r->model.task_lane(t.id))];
            std::vector<std::int64_t> durations, delays;
            std::vector<Wait> waits;
            for (std::uint32_t p : lane.polls) {
                const PollBar& b = r->model.polls()[p];
                QVERIFY(!b.open());
                durations.push_back(b.end - b.start);
                waits.clear();
                r->model.waits_before(p, waits);
                // Every poll after a wake (or a yield, or its spawn) is one
                // delay sample, a zero-length one included.
                std::int64_t delay = 0;
                for (const Wait& w : waits)
                    if (w.kind == Wait::Kind::Scheduled)
                        delay = w.end - w.start;
                delays.push_back(delay);
            }
            const QString what = id + QStringLiteral(" task %1").arg(t.id);
            QCOMPARE(std::uint64_t(durations.size()), t.polls);
            check_histogram(d.stats.poll_times, durations, what + QStringLiteral(" polls"));
            if (QTest::currentTestFailed())
                return;
            check_histogram(d.stats.scheduled_times, delays, what + QStringLiteral(" delays"));
            if (QTest::currentTestFailed())
                return;
        }
    }

    void sites_resources_and_family_match_the_events_data() { histograms_hold_every_poll_data(); }

    void sites_resources_and_family_match_the_events() {
        QFETCH(QString, id);
        const auto r = record(id);
        const Trace& tr = r->model.trace();
        // From the raw events: per task, Pending PollEnds by site and by resource.
        std::map<std::uint32_t, std::map<std::uint32_t, std::uint64_t>> sites, resources;
        std::map<std::uint32_t, std::vector<std::uint32_t>> children;
        std::map<std::uint32_t, std::uint8_t> kind_of;
        for (const Event& e : tr.events) {
            if (e.kind == EventKind::PollEnd && e.outcome() == Outcome::Pending) {
                ++sites[e.task][e.arg];
                ++resources[e.task][e.arg2];
            } else if (e.kind == EventKind::Spawn && e.arg != 0) {
                children[e.arg].push_back(e.task);
            } else if (e.kind == EventKind::Resource) {
                kind_of[e.arg] = e.flag;
            }
        }
        for (const TaskStats& t : r->stats.tasks) {
            if (t.id == 0)
                continue;
            const TaskDetails d = task_details(r->model, r->stats, t.id);
            std::map<std::uint32_t, std::uint64_t> got_sites, got_resources;
            std::int64_t waited = 0;
            for (const auto& s : d.sites)
                got_sites[s.site] = s.waits;
            for (const auto& w : d.resources) {
                got_resources[w.resource] = w.waits;
                waited += w.wait_ns;
                QCOMPARE(w.kind, w.resource ? kind_of.at(w.resource) : std::uint8_t(0));
                QVERIFY(!w.waiting_now); // the run is over: nobody waits
            }
            QCOMPARE(got_sites, sites[t.id]);
            QCOMPARE(got_resources, resources[t.id]);
            // Sorted as documented.
            for (std::size_t i = 1; i < d.sites.size(); ++i)
                QVERIFY(d.sites[i - 1].waits >= d.sites[i].waits);
            for (std::size_t i = 1; i < d.resources.size(); ++i)
                QVERIFY(d.resources[i - 1].wait_ns >= d.resources[i].wait_ns);
            // A finished task's waits are its idle time, as the statistics count it.
            QCOMPARE(waited, t.idle_ns);
            auto kids = children[t.id];
            std::sort(kids.begin(), kids.end());
            QCOMPARE(d.children, kids);
            QCOMPARE(d.parent, t.parent);
            // Its warnings, each explained.
            for (const Warning& w : d.warnings) {
                QCOMPARE(w.task, t.id);
                QVERIFY(!warning_explanation(w.kind).empty());
            }
            const auto n = std::count_if(r->stats.warnings.begin(), r->stats.warnings.end(),
                                         [&](const Warning& w) { return w.task == t.id; });
            QCOMPARE(qsizetype(d.warnings.size()), qsizetype(n));
        }
    }

    void resources_table_counts_every_wait_data() { histograms_hold_every_poll_data(); }

    void resources_table_counts_every_wait() {
        QFETCH(QString, id);
        const auto r = record(id);
        std::uint64_t pending = 0;
        for (const Event& e : r->model.trace().events)
            pending += e.kind == EventKind::PollEnd && e.outcome() == Outcome::Pending;
        const auto rows = resource_rows(r->model);
        std::uint64_t waits = 0;
        std::int64_t waited = 0, idle = 0;
        for (const auto& row : rows) {
            waits += row.waits;
            waited += row.wait_ns;
            QCOMPARE(row.waiters_now, 0u); // the run is over
            QVERIFY(std::is_sorted(row.tasks.begin(), row.tasks.end()));
        }
        for (const auto& t : r->stats.tasks)
            idle += t.idle_ns;
        QCOMPARE(waits, pending); // each wait in one row
        QCOMPARE(waited, idle);
        QCOMPARE(rows.size() >= r->model.resource_lanes().channels().size(), true);
    }

    void event_loop_channels_are_resources() {
        const auto r = record(QStringLiteral("event-loop"));
        const Trace& tr = r->model.trace();
        const auto rows = resource_rows(r->model);
        const auto find = [&](std::string_view kind) {
            return std::find_if(rows.begin(), rows.end(),
                                [&](const ResourceRow& x) { return x.kind_text == kind; });
        };
        const auto mpsc = find("mpsc");
        QVERIFY(mpsc != rows.end());
        QCOMPARE(mpsc->name, std::string("events"));
        // Its waits: the Pending polls on the channel's resources named "events".
        std::uint64_t on_events = 0;
        std::map<std::uint32_t, bool> named_events;
        for (const Event& e : tr.events)
            if (e.kind == EventKind::Resource && resource_arg2_is_name(e.flag))
                named_events[e.arg] = tr.string(e.arg2) == "events";
        for (const Event& e : tr.events)
            if (e.kind == EventKind::PollEnd && e.outcome() == Outcome::Pending &&
                named_events[e.arg2])
                ++on_events;
        QVERIFY(on_events > 0);
        QCOMPARE(mpsc->waits, on_events);
        // The ten senders and main_loop used it; every event went through.
        QCOMPARE(mpsc->sends, 10u);
        QCOMPARE(mpsc->recvs, 10u);
        std::vector<std::string> names;
        for (auto t : mpsc->tasks)
            names.push_back(r->model.task_label(t));
        QVERIFY(std::count(names.begin(), names.end(), "main_loop") == 1);
        for (int i = 0; i < 10; ++i)
            QVERIFY2(std::count(names.begin(), names.end(), "sender " + std::to_string(i)) == 1,
                     qPrintable(QString::number(i)));
        // The shutdown broadcast: one send, received by main_loop.
        const auto bc = find("broadcast");
        QVERIFY(bc != rows.end());
        QCOMPARE(bc->sends, 1u);
        QVERIFY(bc->recvs >= 1);
    }

    void a_task_left_waiting_is_a_waiter_now() {
        // lost-waker's mistake: its task is left Pending, never woken.
        const auto r = record(QStringLiteral("lost-waker"));
        std::uint32_t idle = 0, waiters = 0, waiting_rows = 0;
        for (const auto& t : r->stats.tasks)
            if (t.state == TaskState::Idle) {
                ++idle;
                const auto d = task_details(r->model, r->stats, t.id);
                QCOMPARE(std::count_if(d.resources.begin(), d.resources.end(),
                                       [](const ResourceWaits& w) { return w.waiting_now; }),
                         std::ptrdiff_t(1));
                // Its last wait lasts to the trace's end.
                const auto& lane = r->model.task_lanes()[std::size_t(r->model.task_lane(t.id))];
                const auto& last = r->model.polls()[lane.polls.back()];
                QCOMPARE(wait_after(r->model, lane, lane.polls.size() - 1, r->model.end_ts()),
                         r->model.end_ts() - last.end);
            }
        for (const auto& row : resource_rows(r->model)) {
            waiters += row.waiters_now;
            waiting_rows += row.waiters_now > 0;
        }
        QVERIFY(idle >= 1);
        QCOMPARE(waiters, idle);
        QVERIFY(waiting_rows >= 1);
    }

    void histogram_buckets_are_trimmed() {
        DurationSummary d;
        QVERIFY(histogram_buckets(d).empty());
        d.count = 3;
        d.buckets[4] = 2; // [16, 32)
        d.buckets[6] = 1; // [64, 128)
        const auto b = histogram_buckets(d);
        QCOMPARE(b.size(), std::size_t(3));
        QCOMPARE(b[0], (HistogramBucket{16, 32, 2}));
        QCOMPARE(b[1], (HistogramBucket{32, 64, 0}));
        QCOMPARE(b[2], (HistogramBucket{64, 128, 1}));
        QCOMPARE(duration_bucket(0), std::size_t(0));
        QCOMPARE(duration_bucket(1), std::size_t(0));
        QCOMPARE(duration_bucket(2), std::size_t(1));
        QCOMPARE(duration_bucket(1000), std::size_t(9));
    }
};

QTEST_GUILESS_MAIN(TestTaskDetails)
#include "test_task_details.moc"
