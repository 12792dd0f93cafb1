// Selecting a resource in the window: on a recorded run of the event-loop
// example (virtual clock, Shutdown pressed), choosing the mpsc "events" row
// of the Resources tab highlights the ten senders and main_loop on the
// timeline and dims every other task; a click on the broadcast's lane
// selects its row in the tab (its one subscriber, main_loop, and the task
// that sent the shutdown are highlighted);
// a click on the lanes' heading clears it. Selecting a task marks the
// resource lanes it waited on or used. At every step of the rewind
// cursor the mpsc lane's label tells the events queued then (up to five with
// five events per sender on one worker). A small standalone view checks
// that the paint dims exactly those lanes and draws an arrow from the
// channel to main_loop for each wait a send ended.
#include "example_panel.h"
#include "main_window.h"
#include "record_example.h"
#include "resource_table_model.h"
#include "resource_timeline.h"
#include "run_until.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QtTest>

#include <set>

using namespace pollscope;
using namespace pollscope::app;

namespace {

std::set<QString> highlighted(const TimelineView& view, const TraceStore& store) {
    std::set<QString> out;
    for (const auto& lane : store.task_lanes())
        if (!view.task_dimmed(lane.key))
            out.insert(store.task_label(lane.key));
    return out;
}

std::set<QString> senders_and_main_loop() {
    std::set<QString> s{QStringLiteral("main_loop")};
    for (int i = 0; i < 10; ++i)
        s.insert(QStringLiteral("sender %1").arg(i));
    return s;
}

/// The resource lane of the first resource of this kind ("mpsc", "broadcast").
int lane_of_kind(const TimelineView& view, const std::string& kind) {
    const auto& lanes = view.resource_timelines();
    for (std::size_t i = 0; i < lanes.size(); ++i)
        if (lanes[i].row.kind_text == kind)
            return int(i);
    return -1;
}

} // namespace

class TestResourceSelection : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_resource_selection"));
        QSettings().clear();
    }

    void resources_tab_row_highlights_its_tasks() {
        MainWindow w;
        w.set_quiet_errors(true);
        QVERIFY(w.select_example(QStringLiteral("event-loop")));
        w.example_panel()->set_knob_values(
            examples::default_knobs(*app::find_example(QStringLiteral("event-loop"))));
        w.example_panel()->set_virtual_clock(true);
        QSignalSpy done(&w, &MainWindow::run_finished);
        w.run();
        // The start-up burst is handled: main_loop received every event.
        QVERIFY(test::run_until([&] {
            w.drain_now();
            const auto& chans = w.store().resource_lanes().channels();
            return std::any_of(chans.begin(), chans.end(), [](const auto& c) {
                return c.kind == std::uint8_t(ChannelKind::Mpsc) && c.recvs == 10;
            });
        }));
        w.shutdown();
        QVERIFY(test::run_until([&] { return !done.isEmpty(); }));
        w.show_resources_tab();
        QTableView* table = w.resource_table();
        auto* proxy = qobject_cast<QSortFilterProxyModel*>(table->model());
        QVERIFY(proxy);
        TimelineView* view = w.timeline();
        QCOMPARE(view->selected_resource(), -1);
        for (const auto& lane : w.store().task_lanes())
            QVERIFY(!view->task_dimmed(lane.key));

        // The "events" row of the tab: the ten senders and main_loop, the rest dimmed.
        int events_row = -1;
        for (int r = 0; r < proxy->rowCount(); ++r)
            if (proxy->index(r, ResourceTableModel::Name).data().toString() ==
                QLatin1String("events"))
                events_row = r;
        QVERIFY(events_row >= 0);
        table->selectionModel()->setCurrentIndex(proxy->index(events_row, 0),
                                                 QItemSelectionModel::ClearAndSelect |
                                                     QItemSelectionModel::Rows);
        QCOMPARE(view->selected_resource(), lane_of_kind(*view, "mpsc"));
        QCOMPARE(highlighted(*view, w.store()), senders_and_main_loop());
        QVERIFY(w.store().task_lanes().size() > 11); // test_main_loop at least is dimmed

        // A click on the broadcast's lane: its row in the tab, main_loop highlighted.
        const int bc = lane_of_kind(*view, "broadcast");
        QVERIFY(bc >= 0);
        view->resize(900, TimelineView::kRulerHeight +
                              TimelineView::kLaneHeight * (view->lane_count() + 2 + bc) + 4);
        const int y = TimelineView::kRulerHeight +
                      TimelineView::kLaneHeight * (view->lane_count() + 1 + bc) +
                      TimelineView::kLaneHeight / 2;
        QSignalSpy clicked(view, &TimelineView::resource_clicked);
        QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(60, y));
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(view->selected_resource(), bc);
        // Its subscriber and the task that sent the shutdown.
        QCOMPARE(
            highlighted(*view, w.store()),
            (std::set<QString>{QStringLiteral("main_loop"), QStringLiteral("test_main_loop")}));
        const QModelIndex cur = table->selectionModel()->currentIndex();
        QVERIFY(cur.isValid());

        QCOMPARE(proxy->index(cur.row(), ResourceTableModel::Kind).data().toString(),
                 QStringLiteral("broadcast"));
        // The heading clears it.
        const int heading = TimelineView::kRulerHeight +
                            TimelineView::kLaneHeight * view->lane_count() +
                            TimelineView::kLaneHeight / 2;
        QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(60, heading));
        QCOMPARE(view->selected_resource(), -1);
        QVERIFY(!table->selectionModel()->currentIndex().isValid());
    }

    void labels_tell_the_queue_at_the_rewind_cursor() {
        // Five events per sender on one worker: the queue fills to five.
        TraceStore store;
        store.load(test::record_trace(QStringLiteral("event-loop"), true,
                                      {{"events", 5}, {"workers", 1}}));
        TimelineView view;
        view.set_store(&store);
        const int mpsc = lane_of_kind(view, "mpsc");
        QVERIFY(mpsc >= 0);
        const auto& c =
            store.resource_lanes()
                .channels()[std::size_t(view.resource_timelines()[std::size_t(mpsc)].row.channel)];
        QVERIFY(!view.resource_lane_label(mpsc).contains(QStringLiteral("queued")));
        // At every step the label counts the channel's sends minus recvs before the cursor.
        const auto& ev = store.trace().events;
        std::int32_t queued = 0, most = 0;
        for (std::size_t k = 0; k <= ev.size(); ++k) {
            view.set_rewind_cursor(std::int64_t(k));
            const QString label = view.resource_lane_label(mpsc);
            QVERIFY2(label.endsWith(QStringLiteral("  %1 queued").arg(queued)),
                     qPrintable(QStringLiteral("step %1: %2").arg(k).arg(label)));
            most = std::max(most, queued);
            if (k < ev.size() && ev[k].flag == c.kind &&
                (ev[k].kind == trace::EventKind::ChannelSend ||
                 ev[k].kind == trace::EventKind::ChannelRecv) &&
                (std::uint64_t(ev[k].arg) | (std::uint64_t(ev[k].arg2) << 32)) == c.address)
                queued += ev[k].kind == trace::EventKind::ChannelSend ? 1 : -1;
        }
        QCOMPARE(most, c.peak());
        QVERIFY(most >= 5);
        view.set_rewind_cursor(-1);
        QVERIFY(!view.resource_lane_label(mpsc).contains(QStringLiteral("queued")));
    }

    void selected_task_marks_the_resources_it_used() {
        // main_loop received from the mpsc and waited on the broadcast; a
        // sender only sent into the mpsc; test_main_loop sent the shutdown.
        TraceStore store;
        QVERIFY(test::record_example(QStringLiteral("event-loop"), store));
        TimelineView view;
        view.set_store(&store);
        const int mpsc = lane_of_kind(view, "mpsc");
        const int bc = lane_of_kind(view, "broadcast");
        QVERIFY(mpsc >= 0 && bc >= 0);
        const auto task_named = [&](const QString& name) {
            for (const auto& lane : store.task_lanes())
                if (store.task_label(lane.key) == name)
                    return lane.key;
            return std::uint32_t(0);
        };
        const auto marked = [&] {
            std::set<int> out;
            for (int i = 0; i < int(view.resource_timelines().size()); ++i)
                if (view.resource_marked(i))
                    out.insert(i);
            return out;
        };
        QVERIFY(marked().empty());
        view.set_selected_task(task_named(QStringLiteral("main_loop")));
        QVERIFY(marked().count(mpsc) && marked().count(bc));
        view.set_selected_task(task_named(QStringLiteral("sender 3")));
        QVERIFY(marked().count(mpsc) && !marked().count(bc));
        view.set_selected_task(task_named(QStringLiteral("test_main_loop")));
        QVERIFY(!marked().count(mpsc) && marked().count(bc));
        // A selected resource is marked whatever task is selected.
        view.set_selected_resource(mpsc);
        QVERIFY(marked().count(mpsc));
        view.set_selected_task(0);
        view.set_selected_resource(-1);
        QVERIFY(marked().empty());
    }

    void paint_dims_the_other_lanes_and_points_wakes_at_main_loop() {
        TraceStore store;
        QVERIFY(test::record_example(QStringLiteral("event-loop"), store));
        TimelineView view;
        view.set_store(&store);
        // Small (Qt converts big images on its thread pool, which TSan
        // reports): the task lanes, the heading and the mpsc lane in view.
        const int lanes = int(store.task_lanes().size()) + 2;
        const int h = TimelineView::kRulerHeight + TimelineView::kLaneHeight * lanes + 2;
        view.resize(300, h);
        QVERIFY(view.width() * view.height() <= 131072);
        view.fit();
        view.set_record_scene(true);
        const int mpsc = lane_of_kind(view, "mpsc");
        QVERIFY(mpsc >= 0);
        view.set_selected_resource(mpsc);
        QImage img(view.size(), QImage::Format_RGB32);
        {
            QPainter p(&img);
            view.render_to(p);
        }
        const auto& scene = view.last_scene();
        std::set<QString> lit, dim;
        for (int l : scene.highlighted_lanes)
            lit.insert(store.task_label(view.task_in_row(l)));
        for (int l : scene.dimmed_lanes)
            dim.insert(store.task_label(view.task_in_row(l)));
        QCOMPARE(lit, senders_and_main_loop());
        QCOMPARE(int(scene.highlighted_lanes.size() + scene.dimmed_lanes.size()),
                 int(store.task_lanes().size()));
        for (const auto& s : lit)
            QVERIFY(!dim.contains(s));
        // An arrow from the channel's lane to main_loop for every wait a wake ended.
        const auto& r = view.resource_timelines()[std::size_t(mpsc)];
        std::size_t woken = 0;
        for (const auto& wt : r.waits)
            woken += wt.woken > wt.from;
        QVERIFY(woken > 0);
        std::size_t arrows = 0;
        for (const auto& a : scene.resource_arrows)
            if (a.resource == mpsc) {
                ++arrows;
                QCOMPARE(store.task_label(a.task), QStringLiteral("main_loop"));
                QCOMPARE(view.task_in_row(a.to_lane), a.task);
                QVERIFY(a.from.y() > a.to.y()); // from the lane below up to the task
            }
        QCOMPARE(arrows, woken);
    }
};

QTEST_MAIN(TestResourceSelection)
#include "test_resource_selection.moc"
