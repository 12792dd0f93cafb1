// The window as it was left: its size and both splitters come back in the
// next window (QSettings), and the menus show every shortcut; Help ▸ About
// shows the version of project(VERSION) and the MIT license.
#include "about_dialog.h"
#include "main_window.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QSplitter>
#include <QStandardPaths>
#include <QtTest>

using namespace pollscope::app;

class TestWindowSettings : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_window_settings"));
        QSettings().clear();
    }

    void geometryAndSplittersRestored() {
#if defined(__SANITIZE_THREAD__)
        // Splitter sizes take effect only in a shown window, and showing one
        // makes Qt Gui hand work to its thread pool, synchronized inside
        // Debian's Qt where ThreadSanitizer cannot see it (a report with
        // only Qt Gui frames). The default and ASan suites run this test.
        QSKIP("needs a shown window: Qt Gui's thread pool is invisible to TSan");
#endif
        QSettings().clear();
        const QSize size(1111, 733);
        QList<int> main_sizes, centre_sizes, first_main;
        {
            MainWindow w;
            w.resize(size);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            auto* main = w.findChild<QSplitter*>(QStringLiteral("mainSplitter"));
            auto* centre = w.findChild<QSplitter*>(QStringLiteral("centreSplitter"));
            QVERIFY(main && centre);
            first_main = main->sizes();
            main->setSizes({140, 611, 340});
            centre->setSizes({250, 380});
            main_sizes = main->sizes();
            centre_sizes = centre->sizes();
            QVERIFY(main_sizes != first_main); // the test changes something
            w.close();
        }
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.size(), size);
        QCOMPARE(w.findChild<QSplitter*>(QStringLiteral("mainSplitter"))->sizes(), main_sizes);
        QCOMPARE(w.findChild<QSplitter*>(QStringLiteral("centreSplitter"))->sizes(), centre_sizes);
        w.close();
        QSettings().clear();
    }

    void everyShortcutIsShownInAMenu() {
        MainWindow w;
        QSet<QAction*> in_menus;
        for (auto* menu : w.menuBar()->findChildren<QMenu*>())
            for (auto* a : menu->actions())
                in_menus.insert(a);
        int with_shortcut = 0;
        for (auto* a : w.findChildren<QAction*>()) {
            if (a->shortcut().isEmpty())
                continue;
            ++with_shortcut;
            QVERIFY2(in_menus.contains(a), qPrintable(a->text()));
            QVERIFY2(a->isShortcutVisibleInContextMenu() ||
                         !QCoreApplication::testAttribute(Qt::AA_DontShowShortcutsInContextMenus),
                     qPrintable(a->text()));
        }
        QVERIFY(with_shortcut >= 10);
    }

    void aboutShowsVersionAndLicense() {
        AboutDialog about;
        QVERIFY2(
            about.about_text().contains(QStringLiteral("Pollscope " POLLSCOPE_EXPECTED_VERSION)),
            qPrintable(about.about_text()));
        QVERIFY(about.about_text().contains(QLatin1String(qVersion())));
        QVERIFY(about.about_text().contains(QStringLiteral("https://ui.perfetto.dev")));
        QVERIFY(about.license_text().startsWith(QStringLiteral("MIT License\n")));
        QVERIFY(
            about.license_text().contains(QStringLiteral("THE SOFTWARE IS PROVIDED \"AS IS\"")));

        MainWindow w;
        QAction* action = nullptr;
        for (auto* a : w.findChildren<QAction*>())
            if (a->objectName() == QLatin1String("actionAbout"))
                action = a;
        QVERIFY(action);
        action->trigger();
        auto* shown = w.findChild<AboutDialog*>();
        QVERIFY(shown);
        QVERIFY(shown->isVisible());
        shown->close();
    }
};

QTEST_MAIN(TestWindowSettings)
#include "test_window_settings.moc"
