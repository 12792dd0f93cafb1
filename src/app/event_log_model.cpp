#include "event_log_model.h"

#include "narration.h"
#include "resource_text.h"
#include "task_table_model.h"
#include "trace_store.h"

#include <algorithm>

namespace pollscope::app {

using trace::Event;
using trace::EventKind;

namespace {
QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}
} // namespace

EventLogModel::EventLogModel(const TraceStore* store, QObject* parent)
    : QAbstractTableModel(parent)
    , store_(store) {
    rebuild();
}

void EventLogModel::set_task_filter(std::uint32_t task) {
    if (task == task_)
        return;
    task_ = task;
    beginResetModel();
    rebuild();
    endResetModel();
}

void EventLogModel::set_kind_filter(int kind) {
    if (kind == kind_)
        return;
    kind_ = kind;
    beginResetModel();
    rebuild();
    endResetModel();
}

bool EventLogModel::accepts(const Event& e) const noexcept {
    if (task_ != 0 && e.task != task_ && !(e.kind == EventKind::Wake && e.arg == task_))
        return false;
    return kind_ < 0 || int(e.kind) == kind_;
}

void EventLogModel::rebuild() {
    const auto& ev = store_->trace().events;
    generation_ = store_->generation();
    rows_.clear();
    shown_ = ev.size();
    if (!filtered())
        return;
    for (std::size_t i = 0; i < ev.size(); ++i)
        if (accepts(ev[i]))
            rows_.push_back(std::uint32_t(i));
}

void EventLogModel::refresh() {
    if (store_->generation() == generation_)
        return;
    const auto& ev = store_->trace().events;
    const auto from = store_->changed_from();
    store_->mark_changes_seen();
    if (!filtered() && from >= shown_ && ev.size() >= shown_) {
        generation_ = store_->generation();
        if (ev.size() > shown_) {
            beginInsertRows({}, int(shown_), int(ev.size()) - 1);
            shown_ = ev.size();
            endInsertRows();
        }
        return;
    }
    if (filtered() && from >= shown_ && ev.size() >= shown_) {
        // Appended at the end: add matching rows.
        std::vector<std::uint32_t> add;
        for (std::size_t i = shown_; i < ev.size(); ++i)
            if (accepts(ev[i]))
                add.push_back(std::uint32_t(i));
        generation_ = store_->generation();
        shown_ = ev.size();
        if (!add.empty()) {
            beginInsertRows({}, int(rows_.size()), int(rows_.size() + add.size()) - 1);
            rows_.insert(rows_.end(), add.begin(), add.end());
            endInsertRows();
        }
        return;
    }
    beginResetModel();
    rebuild();
    endResetModel();
}

std::size_t EventLogModel::event_index(int row) const {
    return filtered() ? rows_[std::size_t(row)] : std::size_t(row);
}

int EventLogModel::row_at_time(std::int64_t ts) const {
    const auto& ev = store_->trace().events;
    const int n = rowCount();
    int lo = 0, hi = n;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (ev[event_index(mid)].ts < ts)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n ? lo : -1;
}

int EventLogModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid())
        return 0;
    return filtered() ? int(rows_.size()) : int(shown_);
}

int EventLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString EventLogModel::waits_on(std::uint32_t resource) const {
    const trace::ResourceInfo* r = store_->resource(resource);
    return r ? qs(trace::resource_text(*r, store_->trace())) : qs(trace::kUnknownResourceText);
}

QString EventLogModel::details(const Event& e) const {
    const auto& t = store_->trace();
    auto loc = [&t](std::uint32_t id) { return qs(t.short_location_text(id)); };
    switch (e.kind) {
    case EventKind::Spawn:
        return e.arg ? QStringLiteral("by %1 at %2").arg(store_->task_label(e.arg), loc(e.arg2))
                     : QStringLiteral("at %1").arg(loc(e.arg2));
    case EventKind::TaskName:
        return qs(t.string(e.arg));
    case EventKind::PollEnd: {
        QString s = qs(trace::outcome_name(e.outcome()));
        if (e.arg)
            s += QStringLiteral(" at ") + loc(e.arg);
        if (e.outcome() == trace::Outcome::Pending)
            s += QStringLiteral(", waits on ") + waits_on(e.arg2);
        return s;
    }
    case EventKind::Resource:
        return waits_on(e.arg);
    case EventKind::Wake:
        if (e.flag == std::uint8_t(WakeSource::Timer))
            return QStringLiteral("woken by the timer");
        return e.arg ? QStringLiteral("woken by %1").arg(store_->task_label(e.arg))
                     : QStringLiteral("woken by a thread");
    case EventKind::Fail:
    case EventKind::Mark:
        return qs(t.string(e.arg));
    case EventKind::ChannelSend:
    case EventKind::ChannelRecv:
        return qs(trace::channel_kind_name(e.flag));
    case EventKind::WorkerStart:
        return QStringLiteral("worker %1").arg(e.arg);
    case EventKind::BroadcastLag:
        return QStringLiteral("missed %1").arg(e.arg2);
    case EventKind::Enqueue:
    case EventKind::Steal:
        return qs(trace::queue_move_text(*store_, e));
    default:
        return {};
    }
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto i = event_index(index.row());
    const auto& ev = store_->trace().events;
    if (i >= ev.size())
        return {};
    const Event& e = ev[i];
    if (role == TaskIdRole)
        return quint64(e.kind == EventKind::Wake ? e.task : e.task);
    if (role == EventIndexRole)
        return quint64(i);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return TaskTableModel::format_ns(e.ts - store_->start_ts());
    case Thread:
        return store_->thread_label(e.thread);
    case Kind:
        return qs(trace::kind_name(e.kind));
    case Task:
        return e.task ? store_->task_label(e.task) : QString();
    case Details:
        return details(e);
    case Story:
        return QString::fromStdString(trace::narrate(*store_, i));
    default:
        return {};
    }
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* names[] = {"Time", "Thread", "Event", "Task", "Details", "What happens"};
    static_assert(std::size(names) == ColumnCount);
    if (section < 0 || section >= ColumnCount)
        return {};
    return tr(names[section]);
}

} // namespace pollscope::app
