// File ▸ Open recent: newest first, once each, at most RecentFiles::kMax,
// kept across windows (QSettings), files gone from disk dropped when the menu
// opens, numbered entries that open their file, Clear list; and in the
// window, an exported trace joins the list and its entry opens it.
#include "main_window.h"
#include "recent_files.h"

#include <QAction>
#include <QMenu>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace pollscope::app;

namespace {
QStringList entry_texts(const QMenu& menu) {
    QStringList texts;
    for (auto* a : menu.actions())
        if (!a->isSeparator())
            texts << a->text();
    return texts;
}
} // namespace

class TestRecentFiles : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

    QString touch(const QString& name) {
        const QString path = dir_.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot create %s", qPrintable(path));
        return path;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PollscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_recent_files"));
        QVERIFY(dir_.isValid());
    }
    void init() { QSettings().clear(); }

    void newestFirstOnceEachAndKeptAcrossInstances() {
        const QString a = touch("a.pollscope.json"), b = touch("b.json"), c = touch("c&d.json");
        {
            QMenu menu;
            RecentFiles recent(&menu);
            QVERIFY(!menu.isEnabled());
            recent.add(a);
            recent.add(b);
            recent.add(c);
            recent.add(a);
            QCOMPARE(recent.files(), (QStringList{a, c, b}));
            QCOMPARE(entry_texts(menu), (QStringList{"&1 a.pollscope.json", "&2 c&&d.json",
                                                     "&3 b.json", "&Clear list"}));
            QVERIFY(menu.isEnabled());
        }
        // Another window (or the next start) sees the same list.
        QMenu menu;
        RecentFiles recent(&menu);
        QCOMPARE(recent.files(), (QStringList{a, c, b}));
        QCOMPARE(menu.actions().first()->toolTip(), a);
    }

    void trimmedToMaxAndAbsolute() {
        QMenu menu;
        RecentFiles recent(&menu);
        QStringList added;
        for (int i = 0; i < RecentFiles::kMax + 3; ++i)
            added.prepend(touch(QStringLiteral("t%1.json").arg(i)));
        for (auto it = added.crbegin(); it != added.crend(); ++it)
            recent.add(*it);
        QCOMPARE(recent.files(), added.mid(0, RecentFiles::kMax));
        // A relative path is kept absolute: it must still open from elsewhere.
        const QString cwd = QDir::currentPath();
        QDir::setCurrent(dir_.path());
        recent.add(QStringLiteral("t0.json"));
        QDir::setCurrent(cwd);
        QCOMPARE(recent.files().first(), dir_.filePath("t0.json"));
    }

    void goneFilesDroppedWhenTheMenuOpens() {
        const QString keep = touch("keep.json"), gone = touch("gone.json");
        QMenu menu;
        RecentFiles recent(&menu);
        recent.add(keep);
        recent.add(gone);
        QCOMPARE(entry_texts(menu).size(), 3);
        QVERIFY(QFile::remove(gone));
        emit menu.aboutToShow();
        QCOMPARE(recent.files(), QStringList{keep});
        QCOMPARE(entry_texts(menu), (QStringList{"&1 keep.json", "&Clear list"}));
        QVERIFY(QFile::remove(keep));
        emit menu.aboutToShow();
        QVERIFY(recent.files().isEmpty());
        QVERIFY(!menu.isEnabled());
    }

    void entryOpensItsFileAndClearEmpties() {
        const QString a = touch("open-me.json");
        QMenu menu;
        RecentFiles recent(&menu);
        recent.add(a);
        QSignalSpy open(&recent, &RecentFiles::open_requested);
        menu.actions().first()->trigger();
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.first().first().toString(), a);
        menu.actions().last()->trigger(); // Clear list
        QVERIFY(recent.files().isEmpty());
        QVERIFY(entry_texts(menu).isEmpty());
        QVERIFY(!menu.isEnabled());
    }

    void windowExportJoinsTheListAndItsEntryOpensIt() {
        MainWindow w;
        w.set_quiet_errors(true);
        QVERIFY(w.select_example(QStringLiteral("join")));
        QSignalSpy ran(&w, &MainWindow::run_finished);
        w.run();
        QVERIFY(ran.wait(30000) || !ran.isEmpty());
        const QString path = dir_.filePath("exported.pollscope.json");
        QSignalSpy exported(&w, &MainWindow::export_finished);
        w.export_to(path);
        QVERIFY(exported.wait(30000) || !exported.isEmpty());
        QVERIFY(exported.first().at(1).toBool());
        QCOMPARE(w.recent_files()->files().first(), path);
        auto* menu = w.findChild<QMenu*>(QStringLiteral("menuRecent"));
        QVERIFY(menu);
        emit menu->aboutToShow();
        QSignalSpy opened(&w, &MainWindow::trace_opened);
        menu->actions().first()->trigger();
        QVERIFY(opened.wait(30000) || !opened.isEmpty());
        QCOMPARE(opened.first().first().toString(), path);
    }
};

QTEST_MAIN(TestRecentFiles)
#include "test_recent_files.moc"
