#pragma once
// ResourceTableModel: the "Resources" tab beside the task table: one row per
// resource of the run (trace::resource_rows: its channels and everything a
// Pending poll waited on) with tokio-console's resource columns. Sortable
// through a QSortFilterProxyModel on SortRole.

#include "resource_table.h"

#include <QAbstractTableModel>
#include <QString>

#include <cstdint>
#include <vector>

namespace pollscope::app {

class TraceStore;

class ResourceTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Kind, Name, WaitersNow, Waits, WaitTime, Location, Tasks, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit ResourceTableModel(QObject* parent = nullptr);

    /// Recomputes the rows from `store` (`now`: a live run's present; -1: its last event).
    void refresh(const TraceStore& store, std::int64_t now = -1);
    void clear();
    const std::vector<trace::ResourceRow>& rows() const noexcept { return rows_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<trace::ResourceRow> rows_;
    std::vector<QString> locations_, tasks_; // per row, as shown
};

} // namespace pollscope::app
