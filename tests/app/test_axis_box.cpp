// The axis box tells the axis the timeline draws: a trace of more than
// StepsBuilder::kMaxEvents events is drawn in real time, so the box says
// "real time", its "steps" choice is disabled and says why (as does the
// status bar), and T does not switch to it; a trace that fits has steps
// again (the choice was kept). A big trace's steps are built off the GUI
// thread: real time until they arrive, then steps, and the box follows.
// The ruler (its labels are times on both axes) names the axis it is.
#include "main_window.h"
#include "run_until.h"
#include "steps_builder.h"
#include "synthetic.h"
#include "timeline_view.h"
#include "trace_file.h"
#include "trace_store.h"

#include <QComboBox>
#include <QLabel>
#include <QPainter>
#include <QPicture>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

using namespace pollscope;
using namespace pollscope::app;

namespace {

QComboBox* axis_box(MainWindow& w) {
    for (auto* box : w.findChildren<QComboBox*>())
        if (box->count() == 2 && box->itemText(0) == QStringLiteral("steps"))
            return box;
    return nullptr;
}

bool steps_enabled(QComboBox* box) {
    return qobject_cast<QStandardItemModel*>(box->model())->item(0)->isEnabled();
}

bool open(MainWindow& w, const QString& path) {
    QSignalSpy opened(&w, &MainWindow::trace_opened);
    w.open_trace(path);
    return test::run_until([&] { return opened.count() == 1; });
}

/// The axis the timeline's ruler says it is ("steps", "real time"), from a
/// paint recorded into a picture (no pixels).
QString ruler_axis(MainWindow& w) {
    TimelineView* view = w.timeline();
    view->set_record_scene(true);
    QPicture picture;
    QPainter p(&picture);
    view->render_to(p);
    return view->last_scene().axis;
}

QString status_text(MainWindow& w) {
    QString all;
    for (auto* l : w.statusBar()->findChildren<QLabel*>())
        all += l->text() + QLatin1Char('\n');
    return all;
}

} // namespace

class TestAxisBox : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_axis_box"));
        QSettings().clear();
    }

    void the_box_says_what_the_timeline_draws() {
        QTemporaryDir dir;
        const QString small = dir.filePath(QStringLiteral("small.json"));
        const QString medium = dir.filePath(QStringLiteral("medium.json"));
        const QString big = dir.filePath(QStringLiteral("big.json"));
        QString error;
        QVERIFY2(trace::save_trace(small, trace::make_synthetic_trace(2000, 20, 2), {}, &error),
                 qPrintable(error));
        QVERIFY2(trace::save_trace(
                     medium, trace::make_synthetic_trace(3 * kBackgroundEvents, 50, 2), {}, &error),
                 qPrintable(error));
        QVERIFY2(trace::save_trace(
                     big, trace::make_synthetic_trace(StepsBuilder::kMaxEvents + 100, 50, 2), {},
                     &error),
                 qPrintable(error));

        MainWindow w;
        w.set_quiet_errors(true);
        QComboBox* box = axis_box(w);
        QVERIFY(box);
        w.set_time_axis(true);

        QVERIFY(open(w, small));
        QVERIFY(w.timeline()->steps_mode());
        QCOMPARE(box->currentIndex(), 0);
        QCOMPARE(ruler_axis(w), box->currentText());
        QVERIFY(steps_enabled(box));

        // Too many events: real time, and the box says so.
        QVERIFY(open(w, big));
        QVERIFY(w.store().trace().events.size() > StepsBuilder::kMaxEvents);
        QVERIFY(!w.timeline()->steps_mode());
        QCOMPARE(box->currentText(), QStringLiteral("real time"));
        QCOMPARE(ruler_axis(w), box->currentText());
        QVERIFY(!steps_enabled(box));
        QVERIFY(box->toolTip().contains(QStringLiteral("200,000")));
        // T (the toggle) cannot bring steps it cannot draw, and says why.
        box->setCurrentIndex(0);
        QVERIFY(!w.timeline()->steps_mode());
        QCOMPARE(box->currentIndex(), 1);
        QVERIFY(status_text(w).contains(QStringLiteral("200,000")));

        // A trace that fits: steps again (the choice was kept).
        QVERIFY(open(w, small));
        QVERIFY(w.timeline()->steps_mode());
        QCOMPARE(box->currentIndex(), 0);
        QCOMPARE(ruler_axis(w), box->currentText());
        QVERIFY(steps_enabled(box));

        // A big one that fits: built off this thread; real time (said so)
        // until its steps arrive, then steps.
        QVERIFY(open(w, medium));
        QVERIFY(w.store().trace().events.size() > kBackgroundEvents);
        QCOMPARE(w.timeline()->steps_mode(), box->currentIndex() == 0);
        QCOMPARE(ruler_axis(w), box->currentText());
        QVERIFY(steps_enabled(box));
        QVERIFY(test::run_until([&] { return w.timeline()->steps_mode(); }));
        QCOMPARE(box->currentIndex(), 0);
        QCOMPARE(ruler_axis(w), box->currentText());
        QVERIFY(!box->toolTip().contains(QStringLiteral("meanwhile")));
    }
};

QTEST_MAIN(TestAxisBox)
#include "test_axis_box.moc"
