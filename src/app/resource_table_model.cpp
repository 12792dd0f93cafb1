#include "resource_table_model.h"

#include "task_table_model.h"
#include "trace_store.h"

#include <mutex>
#include <shared_mutex>

namespace pollscope::app {

namespace {
/// How many task names a row lists before "+N more".
constexpr std::size_t kListedTasks = 6;
} // namespace

ResourceTableModel::ResourceTableModel(QObject* parent)
    : QAbstractTableModel(parent) {}

ResourceTableModel::Source ResourceTableModel::source_of(const TraceStore& store,
                                                         std::int64_t now) {
    return {&store, store.generation(), store.trace().events.size(), store.end_ts(), now};
}

ResourceTableModel::Computed ResourceTableModel::compute(const TraceStore& store, std::int64_t now,
                                                         std::stop_token stop) {
    Computed c;
    c.of = source_of(store, now);
    c.rows = trace::resource_rows(store, now, stop);
    for (const auto& r : c.rows) {
        if (stop.stop_requested())
            return {};
        c.locations.push_back(
            QString::fromStdString(store.trace().short_location_text(r.first_site)));
        QStringList names;
        for (std::size_t i = 0; i < r.tasks.size() && i < kListedTasks; ++i)
            names << store.task_label(r.tasks[i]);
        if (r.tasks.size() > kListedTasks)
            names << tr("+%1 more").arg(r.tasks.size() - kListedTasks);
        c.tasks.push_back(names.join(QStringLiteral(", ")));
    }
    return c;
}

void ResourceTableModel::refresh(const TraceStore& store, std::int64_t now) {
    if (job_) {
        if (job_->running() && shown_.store == &store)
            return; // its rows come first (rows_arrived), then ask again
        stop();
    }
    const Source want = source_of(store, now);
    if (want == shown_)
        return;
    if (want.events <= kBackgroundEvents) {
        show(compute(store, now, {}));
        return;
    }
    // A big live store: now and then, not at every refresh; past kLiveEvents
    // not until the run ends.
    if (now >= 0 && shown_.store == &store &&
        (want.events > kLiveEvents || want.events < shown_.events + shown_.events / 10))
        return;
    const TraceStore* of = &store;
    shown_.store = of; // the rows shown meanwhile stay, the job is of this store
    job_ = std::make_unique<BackgroundJob<Computed>>(
        this,
        [of, now](std::stop_token stop) {
            // Readers only share the lock; the feed swaps when it is free
            // (try_lock), and any other change stops this job first (stop()).
            const std::shared_lock lock(of->mutex());
            return compute(*of, now, std::move(stop));
        },
        [this](Computed c) {
            const auto finished = std::move(job_); // goes after this (its result's stack)
            show(std::move(c));
            emit rows_arrived();
        });
}

void ResourceTableModel::show(Computed c) {
    beginResetModel();
    rows_ = std::move(c.rows);
    locations_ = std::move(c.locations);
    tasks_ = std::move(c.tasks);
    shown_ = c.of;
    endResetModel();
}

void ResourceTableModel::stop() {
    job_.reset();
    show({});
}

int ResourceTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int ResourceTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ResourceTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(rows_.size()))
        return {};
    const auto row = std::size_t(index.row());
    const auto& r = rows_[row];
    const bool sort = role == SortRole;
    if (role == Qt::TextAlignmentRole)
        return index.column() >= WaitersNow && index.column() <= WaitTime
                   ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                   : QVariant();
    if (role == Qt::ToolTipRole) {
        if (index.column() == Kind && r.channel >= 0)
            return tr("A channel: %1 sends, %2 receives").arg(r.sends).arg(r.recvs);
        if (index.column() == Location)
            return r.first_site ? tr("The await site of the first wait on it (the trace does "
                                     "not record where a resource was created)")
                                : tr("No task waited on it");
        return {};
    }
    if (role != Qt::DisplayRole && !sort)
        return {};
    switch (index.column()) {
    case Kind:
        return QString::fromStdString(r.kind_text);
    case Name:
        return QString::fromStdString(r.name);
    case WaitersNow:
        return r.waiters_now;
    case Waits:
        return qulonglong(r.waits);
    case WaitTime:
        return sort ? QVariant(qint64(r.wait_ns)) : QVariant(TaskTableModel::format_ns(r.wait_ns));
    case Location:
        return locations_[row];
    case Tasks:
        return sort ? QVariant(qulonglong(r.tasks.size())) : QVariant(tasks_[row]);
    default:
        return {};
    }
}

QVariant ResourceTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case WaitersNow:
            return tr("Tasks waiting on it at the end of the trace (in a live run: now)");
        case Waits:
            return tr("Pending polls that waited on it");
        case WaitTime:
            return tr("How long those waits lasted, summed");
        case Location:
            return tr("The trace does not record where a resource was created: the await "
                      "site of the first wait on it");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Kind:
        return tr("Kind");
    case Name:
        return tr("Name");
    case WaitersNow:
        return tr("Waiters now");
    case Waits:
        return tr("Total waits");
    case WaitTime:
        return tr("Total wait time");
    case Location:
        return tr("First waited at");
    case Tasks:
        return tr("Tasks");
    default:
        return {};
    }
}

} // namespace pollscope::app
