// The task details window and the Resources tab, on recorded examples
// (virtual clock): the histograms it draws hold the statistics' buckets and
// every poll of the task; its lists are the model's details; Enter or a
// double-click on a task table row opens it and Esc closes it; the event
// loop's mpsc and broadcast channels are rows of the Resources tab, which
// sorts.
#include "duration_histogram.h"
#include "example_panel.h"
#include "main_window.h"
#include "record_example.h"
#include "resource_table_model.h"
#include "task_details_panel.h"
#include "task_table_model.h"
#include "trace_store.h"

#include <QLabel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QTreeWidget>
#include <QtTest>

using namespace pollscope;
using namespace pollscope::app;

namespace {

/// The bucket counts a histogram draws equal the statistics' (trimmed: the
/// same buckets, none dropped) and add up to `samples`.
void check_drawn(const DurationHistogram& h, const trace::DurationSummary& d, std::uint64_t samples,
                 const QString& what) {
    QVERIFY2(h.summary() == d, qPrintable(what));
    std::uint64_t drawn = 0, counted = 0;
    for (const auto& b : h.buckets()) {
        drawn += b.count;
        QCOMPARE(b.count, d.buckets[trace::duration_bucket(b.lo)]);
    }
    for (auto c : d.buckets)
        counted += c;
    QVERIFY2(drawn == counted && drawn == samples, qPrintable(what));
}

void run_to_end(MainWindow& w, const QString& id) {
    QVERIFY(w.select_example(id));
    const auto* e = app::find_example(id);
    QVERIFY(e);
    w.example_panel()->set_knob_values(examples::default_knobs(*e));
    w.example_panel()->set_virtual_clock(true);
    QSignalSpy done(&w, &MainWindow::run_finished);
    w.run();
    QVERIFY(done.wait(20000) || !done.isEmpty());
}

} // namespace

class TestTaskDetailsPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_task_details_panel"));
        QSettings().clear();
    }

    void shows_the_statistics_histograms_data() {
        QTest::addColumn<QString>("id");
        for (const char* id : {"join", "select", "spawn", "event-loop", "blocking-worker"})
            QTest::newRow(id) << QString::fromLatin1(id);
    }

    void shows_the_statistics_histograms() {
        QFETCH(QString, id);
        TraceStore store;
        QVERIFY(test::record_example(id, store));
        const trace::TraceStats stats = trace::compute_stats(store);
        TaskDetailsPanel panel(store, [&]() -> const trace::TraceStats& { return stats; });
        for (const auto& t : stats.tasks) {
            if (t.id == 0)
                continue;
            panel.set_task(t.id); // (not shown: see render below)
            QCOMPARE(panel.task(), t.id);
            const QString what = id + QStringLiteral(" task %1").arg(t.id);
            // Every poll of the task, as the model has them.
            const auto& lane = store.task_lanes()[std::size_t(store.task_lane(t.id))];
            check_drawn(*panel.poll_histogram(), t.poll_times, lane.polls.size(), what);
            check_drawn(*panel.delay_histogram(), t.scheduled_times, t.scheduled_times.count, what);
            QCOMPARE(t.polls, std::uint64_t(lane.polls.size()));
            // The lists are the model's details.
            const auto d = trace::task_details(store, stats, t.id);
            QCOMPARE(panel.sites_view()->topLevelItemCount(), int(d.sites.size()));
            for (int i = 0; i < int(d.sites.size()); ++i)
                QCOMPARE(panel.sites_view()->topLevelItem(i)->text(1).toULongLong(),
                         d.sites[std::size_t(i)].waits);
            QCOMPARE(panel.resources_view()->topLevelItemCount(), int(d.resources.size()));
            for (int i = 0; i < int(d.resources.size()); ++i)
                QCOMPARE(panel.resources_view()->topLevelItem(i)->text(2).toULongLong(),
                         d.resources[std::size_t(i)].waits);
            const int family = int(d.children.size()) + (d.parent != 0 ? 1 : 0);
            QCOMPARE(panel.family_view()->topLevelItemCount(), std::max(family, 1));
            for (const auto& w : d.warnings)
                QVERIFY(panel.warnings_label()->text().contains(
                    QString::fromUtf8(trace::warning_explanation(w.kind).data(),
                                      qsizetype(trace::warning_explanation(w.kind).size()))
                        .toHtmlEscaped()));
            // The histograms paint. (Each into a small image: converting a
            // larger one, Qt splits the work over its thread pool, whose
            // locks ThreadSanitizer cannot see.)
            for (QWidget* histogram : {static_cast<QWidget*>(panel.poll_histogram()),
                                       static_cast<QWidget*>(panel.delay_histogram())}) {
                histogram->resize(320, 180);
                QImage shot(histogram->size(), QImage::Format_ARGB32_Premultiplied);
                histogram->render(&shot);
            }
        }
    }

    void enter_and_double_click_open_it() {
        MainWindow w;
        w.set_quiet_errors(true);
        w.resize(1200, 800); // not shown: laid out for the clicks all the same
        run_to_end(w, QStringLiteral("spawn"));
        auto* table = w.findChild<QTreeView*>(QStringLiteral("taskTable"));
        QVERIFY(table);
        auto* model = table->model();
        QVERIFY(model->rowCount() >= 2);
        // Enter on the current row.
        const QModelIndex first = model->index(0, 0);
        table->setFocus();
        table->setCurrentIndex(first);
        QTest::keyClick(table, Qt::Key_Return);
        TaskDetailsPanel* panel = w.task_details();
        QVERIFY(panel && panel->isVisible());
        const auto task = first.data(TaskTableModel::TaskIdRole).toUInt();
        QCOMPARE(panel->task(), task);
        // The shown buckets are the task table's statistics.
        const auto& tasks = w.task_model()->stats().tasks;
        const auto it =
            std::find_if(tasks.begin(), tasks.end(), [&](const auto& t) { return t.id == task; });
        QVERIFY(it != tasks.end());
        check_drawn(*panel->poll_histogram(), it->poll_times, it->polls, QStringLiteral("enter"));
        // Esc closes it.
        QTest::keyClick(panel, Qt::Key_Escape);
        QVERIFY(!panel->isVisible());
        // A double-click on another row opens that task.
        const QModelIndex second = model->index(1, TaskTableModel::Polls);
        const QPoint at = table->visualRect(second).center();
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, at);
        QVERIFY(panel->isVisible());
        QCOMPARE(panel->task(), second.data(TaskTableModel::TaskIdRole).toUInt());
        panel->close();
    }

    void works_on_an_opened_file() {
        MainWindow w;
        w.set_quiet_errors(true);
        run_to_end(w, QStringLiteral("spawn"));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("spawn.json"));
        QSignalSpy exported(&w, &MainWindow::export_finished);
        w.export_to(path);
        QTRY_VERIFY_WITH_TIMEOUT(!exported.isEmpty(), 10000);
        QVERIFY(exported.first().at(1).toBool());

        MainWindow v;
        v.set_quiet_errors(true);
        QSignalSpy opened(&v, &MainWindow::trace_opened);
        v.open_trace(path);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        // The statistics follow the first frame.
        QTRY_VERIFY_WITH_TIMEOUT(v.task_model()->stats().tasks.size() >= 2, 10000);
        const auto& stats = v.task_model()->stats();
        for (const auto& t : stats.tasks) {
            if (t.id == 0)
                continue;
            v.open_task_details(t.id);
            auto* panel = v.task_details();
            QCOMPARE(panel->task(), t.id);
            QVERIFY(panel->details().found);
            check_drawn(*panel->poll_histogram(), t.poll_times, t.polls,
                        QStringLiteral("file task %1").arg(t.id));
            // The file's numbers are the run's.
            const auto& run = w.task_model()->stats().tasks;
            const auto same =
                std::find_if(run.begin(), run.end(), [&](const auto& x) { return x.id == t.id; });
            QVERIFY(same != run.end());
            QVERIFY(same->poll_times == t.poll_times);
        }
        v.task_details()->close();
        v.show_resources_tab();
        QCOMPARE(std::size_t(v.resource_model()->rowCount()),
                 trace::resource_rows(v.store()).size());
        QVERIFY(v.resource_model()->rowCount() >= 3); // the three sleeps at least
    }

    void resources_tab_lists_the_event_loop_channels() {
#if defined(__SANITIZE_THREAD__)
        // DEBT: while this live run and its details window go on, Qt Gui
        // converts an image on its own thread pool (QRunnable::create,
        // QThreadPoolPrivate::enqueueTask, then memmove and delete on a pooled
        // thread, no frame of ours), synchronised by Qt's locks that
        // ThreadSanitizer cannot see; which image it is was not found. The
        // test runs in the default and ASan builds.
        QSKIP("Qt Gui's thread-pool image work races under ThreadSanitizer (see the comment)");
#endif
        MainWindow w;
        w.set_quiet_errors(true);
        QVERIFY(w.select_example(QStringLiteral("event-loop")));
        w.example_panel()->set_knob_values(
            examples::default_knobs(*app::find_example(QStringLiteral("event-loop"))));
        w.example_panel()->set_virtual_clock(true);
        w.show_resources_tab();
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        auto* m = w.resource_model();
        // Live: once every event is handled, main_loop waits on the channel
        // "events" (its select's first branch), the tab refreshing as it goes.
        const auto events_waiters = [&] {
            for (int r = 0; r < m->rowCount(); ++r)
                if (m->index(r, ResourceTableModel::Name).data().toString() ==
                    QLatin1String("events"))
                    return m->index(r, ResourceTableModel::WaitersNow).data().toInt();
            return -1;
        };
        QTRY_VERIFY_WITH_TIMEOUT((w.drain_now(), w.refresh_stats(), events_waiters() == 1), 20000);
        QVERIFY(w.running());
        // main_loop's details, live: waiting on "events" now, its histogram the table's.
        const auto main_loop = [&]() -> const trace::TaskStats& {
            for (const auto& t : w.task_model()->stats().tasks)
                if (t.name == "main_loop")
                    return t;
            qFatal("no main_loop");
        };
        w.open_task_details(main_loop().id);
        auto* panel = w.task_details();
        // Small, before it first paints: Qt converts a larger window's image
        // on its thread pool, whose locks ThreadSanitizer cannot see.
        panel->resize(320, 240);
        const auto waiting_on_events = [&] {
            for (const auto& r : panel->details().resources)
                if (r.waiting_now)
                    return r.name == "events";
            return false;
        };
        QVERIFY(waiting_on_events());
        check_drawn(*panel->poll_histogram(), main_loop().poll_times, main_loop().polls,
                    QStringLiteral("live"));
        w.shutdown();
        QVERIFY(done.wait(20000) || !done.isEmpty());
        QCOMPARE(events_waiters(), 0); // the run is over: nobody waits
        QVERIFY(!waiting_on_events()); // the shown details were refreshed
        check_drawn(*panel->poll_histogram(), main_loop().poll_times, main_loop().polls,
                    QStringLiteral("after the shutdown"));
        QVERIFY(main_loop().state == trace::TaskState::Done);
        panel->close();
        QVERIFY(m->rowCount() >= 2);
        // The same rows as the trace's resources table.
        const auto rows = trace::resource_rows(w.store());
        QCOMPARE(std::size_t(m->rowCount()), rows.size());
        int mpsc = -1, broadcast = -1;
        for (int r = 0; r < m->rowCount(); ++r) {
            const QString kind = m->index(r, ResourceTableModel::Kind).data().toString();
            const QString name = m->index(r, ResourceTableModel::Name).data().toString();
            if (kind == QLatin1String("mpsc") && name == QLatin1String("events"))
                mpsc = r;
            if (kind == QLatin1String("broadcast"))
                broadcast = r;
        }
        QVERIFY(mpsc >= 0 && broadcast >= 0);
        QVERIFY(m->index(mpsc, ResourceTableModel::Waits).data().toULongLong() > 0);
        QVERIFY(m->index(mpsc, ResourceTableModel::Tasks)
                    .data()
                    .toString()
                    .contains(QStringLiteral("main_loop")));
        QCOMPARE(m->index(mpsc, ResourceTableModel::WaitersNow).data().toUInt(), 0u);
        // Sorted by total waits, most first, through the view's header.
        auto* view = w.resource_table();
        view->sortByColumn(ResourceTableModel::Waits, Qt::DescendingOrder);
        auto* proxy = view->model();
        for (int r = 1; r < proxy->rowCount(); ++r)
            QVERIFY(proxy->index(r - 1, ResourceTableModel::Waits).data().toULongLong() >=
                    proxy->index(r, ResourceTableModel::Waits).data().toULongLong());
    }
};

QTEST_MAIN(TestTaskDetailsPanel)
#include "test_task_details_panel.moc"
