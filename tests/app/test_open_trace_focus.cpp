// An opened trace stays opened (issue 14, item 4): a trace that matches no
// example leaves the examples list without a current row; giving the list
// focus (clicking Export or Open, a window manager activating the window)
// made its first row current, which switched to example 1 and threw the
// trace away, so a later Export wrote 0 events. Only choosing a row switches.
#include "example_catalog.h"
#include "main_window.h"
#include "recorded_run.h"
#include "run_until.h"
#include "synthetic.h"
#include "trace_file.h"
#include "trace_store.h"

#include <QListWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace pollscope;
using namespace pollscope::app;

class TestOpenTraceFocus : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_open_trace_focus"));
        QSettings().clear();
    }

    void focus_on_the_examples_list_keeps_the_opened_trace() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("foreign.json"));
        const trace::Trace t = trace::make_synthetic_trace(400, 6, 2);
        QString error;
        QVERIFY2(trace::save_trace(path, t, {}, &error), qPrintable(error));

        MainWindow w;
        w.set_quiet_errors(true);
        QSignalSpy opened(&w, &MainWindow::trace_opened);
        w.open_trace(path);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        QCOMPARE(w.store().trace().events.size(), t.events.size());
        auto* list = w.findChild<QListWidget*>(QStringLiteral("exampleList"));
        QVERIFY(list);
        QCOMPARE(list->currentRow(), -1); // no example matches this trace

        // Focus arrives as it does from Tab or a window manager.
        QFocusEvent focus_in(QEvent::FocusIn, Qt::ActiveWindowFocusReason);
        QApplication::sendEvent(list, &focus_in);
        QCoreApplication::processEvents();
        QCOMPARE(w.store().trace().events.size(), t.events.size());
        QVERIFY(w.windowTitle().contains(QStringLiteral("foreign.json")));

        // Export still writes the opened trace.
        const QString out = dir.filePath(QStringLiteral("again.json"));
        QSignalSpy exported(&w, &MainWindow::export_finished);
        w.export_to(out);
        QTRY_VERIFY_WITH_TIMEOUT(!exported.isEmpty(), 10000);
        QVERIFY2(exported.first().at(1).toBool(), qPrintable(exported.first().at(2).toString()));
        auto back = trace::load_trace(out, &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->events.size(), t.events.size());

        // Choosing a row still switches to that example (and leaves the file),
        // including the row that focus made current.
        list->item(0)->setSelected(true);
        QCOMPARE(w.current_example_id(), list->item(0)->data(Qt::UserRole).toString());
        QCOMPARE(w.store().trace().events.size(), std::size_t(0));
    }

    void an_opened_run_shows_the_example_it_came_from() {
        // join and select (both variants) share one source file with spawn:
        // the root task's name tells them apart ("test_select_spawned" was
        // shown as join).
        QTemporaryDir dir;
        const std::pair<const char*, int> runs[] = {{"select", 0}, {"select", 1}, {"join", 0}};
        for (const auto& [id, spawned] : runs) {
            const auto* e = find_example(QLatin1String(id));
            QVERIFY(e);
            auto knobs = examples::default_knobs(*e);
            knobs[QStringLiteral("virtual_time")] = 1;
            if (spawned)
                knobs[QStringLiteral("spawned")] = 1;
            examples::RecordedRun run(*e, knobs);
            run.run();
            const QString path = dir.filePath(QStringLiteral("%1-%2.json").arg(id).arg(spawned));
            QString error;
            QVERIFY2(trace::save_trace(path, run.recorder().snapshot(), {}, &error),
                     qPrintable(error));
            MainWindow w;
            w.set_quiet_errors(true);
            QVERIFY(w.select_example(QStringLiteral("timer-future")));
            QSignalSpy opened(&w, &MainWindow::trace_opened);
            w.open_trace(path);
            QVERIFY(test::run_until([&] { return opened.count() == 1; }));
            QCOMPARE(w.current_example_id(), QLatin1String(id));
        }
    }
};

QTEST_MAIN(TestOpenTraceFocus)
#include "test_open_trace_focus.moc"
