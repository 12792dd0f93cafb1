#include "recent_files.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace pollscope::app {

namespace {
const QString kKey = QStringLiteral("recentFiles");
}

RecentFiles::RecentFiles(QMenu* menu, QObject* parent)
    : QObject(parent)
    , menu_(menu) {
    connect(menu_, &QMenu::aboutToShow, this, &RecentFiles::rebuild);
    rebuild();
}

QStringList RecentFiles::files() const {
    return QSettings().value(kKey).toStringList();
}

void RecentFiles::save(const QStringList& files) {
    QSettings().setValue(kKey, files);
}

void RecentFiles::add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = files();
    list.removeAll(absolute);
    list.prepend(absolute);
    while (list.size() > kMax)
        list.removeLast();
    save(list);
    rebuild();
}

void RecentFiles::clear() {
    save({});
    rebuild();
}

void RecentFiles::rebuild() {
    QStringList list = files();
    const auto gone = list.removeIf([](const QString& p) { return !QFileInfo::exists(p); });
    if (gone > 0)
        save(list);
    menu_->clear();
    for (int i = 0; i < list.size(); ++i) {
        const QString path = list[i];
        // "&1 run.json": the digit is the accelerator; a file's own '&' is literal.
        QString name = QFileInfo(path).fileName();
        name.replace(QLatin1Char('&'), QStringLiteral("&&"));
        auto* a = menu_->addAction(i < 9 ? QStringLiteral("&%1 %2").arg(i + 1).arg(name)
                                         : QStringLiteral("%1 %2").arg(i + 1).arg(name));
        a->setToolTip(path);
        a->setStatusTip(path);
        a->setData(path);
        connect(a, &QAction::triggered, this, [this, path] { emit open_requested(path); });
    }
    if (!list.isEmpty()) {
        menu_->addSeparator();
        menu_->addAction(tr("&Clear list"), this, &RecentFiles::clear);
    }
    menu_->setToolTipsVisible(true);
    menu_->setEnabled(!list.isEmpty());
}

} // namespace pollscope::app
