#pragma once
// ResourceTableModel: the "Resources" tab beside the task table: one row per
// resource of the run (trace::resource_rows: its channels and everything a
// Pending poll waited on) with tokio-console's resource columns. Sortable
// through a QSortFilterProxyModel on SortRole. A big store's rows (more than
// kBackgroundEvents events) are computed by a BackgroundJob, as the
// timeline's resource lanes are; the table shows the last rows meanwhile.

#include "background_job.h"
#include "resource_table.h"

#include <QAbstractTableModel>
#include <QString>

#include <cstdint>
#include <memory>
#include <stop_token>
#include <vector>

namespace pollscope::app {

class TraceStore;

class ResourceTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Kind, Name, WaitersNow, Waits, WaitTime, Location, Tasks, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit ResourceTableModel(QObject* parent = nullptr);

    /// A live store past this many events keeps its rows until the run ends
    /// (the job holds the store's shared lock: the feed's swap waits).
    static constexpr std::size_t kLiveEvents = 100000;

    /// Recomputes the rows from `store` (`now`: a live run's present; -1: its
    /// last event) unless they are of that state already. A big store's come
    /// from a job (rows_arrived; one job at a time: asked again meanwhile,
    /// it is not restarted), during a live run only at each tenth of growth.
    void refresh(const TraceStore& store, std::int64_t now = -1);
    /// Stops the job and forgets the rows: call before the store is changed
    /// by anyone but the TimelineFeed, and before it goes.
    void stop();
    void clear() { stop(); }
    /// A job is computing the rows.
    bool pending() const noexcept { return job_ != nullptr; }
    const std::vector<trace::ResourceRow>& rows() const noexcept { return rows_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    /// A job handed its rows over (they are shown now).
    void rows_arrived();

private:
    /// Which state of which store rows are of.
    struct Source {
        const TraceStore* store = nullptr;
        std::uint64_t generation = 0;
        std::size_t events = 0;
        std::int64_t end = 0, now = -1;
        bool operator==(const Source&) const = default;
    };
    struct Computed {
        std::vector<trace::ResourceRow> rows;
        std::vector<QString> locations, tasks;
        Source of;
    };
    static Source source_of(const TraceStore& store, std::int64_t now);
    /// The rows with their shown texts (on any thread: reads only `store`).
    static Computed compute(const TraceStore& store, std::int64_t now, std::stop_token stop);
    void show(Computed c);

    std::vector<trace::ResourceRow> rows_;
    std::vector<QString> locations_, tasks_; // per row, as shown
    Source shown_;
    // Last: stopped (joined) before the rest goes.
    std::unique_ptr<BackgroundJob<Computed>> job_;
};

} // namespace pollscope::app
