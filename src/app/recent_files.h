#pragma once
// RecentFiles: the File ▸ Open recent menu. The list (newest first, at most
// kMax, kept in QSettings under "recentFiles") is rebuilt each time the menu
// opens, so files deleted or moved since are dropped; the entries are
// numbered (&1…&9 as keyboard accelerators), show the file name and hold the
// full path as tooltip; "Clear list" empties it.

#include <QObject>
#include <QStringList>

class QMenu;

namespace pollscope::app {

class RecentFiles : public QObject {
    Q_OBJECT
public:
    static constexpr int kMax = 8;

    /// Fills `menu` (which it does not own) from the settings.
    explicit RecentFiles(QMenu* menu, QObject* parent = nullptr);

    /// Puts `path` first (absolute; once), trims to kMax, saves, rebuilds.
    void add(const QString& path);
    void clear();
    /// The saved list, newest first.
    QStringList files() const;
    /// Drops files that no longer exist, then refills the menu.
    void rebuild();

signals:
    void open_requested(const QString& path);

private:
    void save(const QStringList& files);

    QMenu* menu_;
};

} // namespace pollscope::app
