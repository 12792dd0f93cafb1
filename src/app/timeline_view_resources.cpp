// TimelineView's resource lanes: below the task lanes, a "Resources" heading
// and one lane per resource of the run (trace::resource_timelines: the
// channels, then every sleep, JoinHandle, mutex... a task waited on). A
// channel's lane draws its fill level as a thin step area and a tick per
// send (up) and recv (down), ops within a few pixels merged into one glyph
// that says how many; a broadcast's label counts its subscribers and its
// shutdown sends are labelled; any other lane draws how many tasks wait on
// it over time, a sleep its deadline. Each wait a resource ended has an
// arrow from the lane to the woken task. Selecting a lane (a click, or its
// Resources tab row) highlights the tasks that waited on it or used it and
// dims the rest. With a rewind cursor, labels tell the state at the cursor
// and what comes after it is greyed. Only the visible time range is visited.
#include "arrow_ink.h"
#include "background_job.h"
#include "label_space.h"
#include "resource_timeline.h"
#include "resource_wake_index.h"
#include "step_axis.h"
#include "task_table_model.h"
#include "timeline_palette.h"
#include "timeline_view.h"
#include "trace_store.h"
#include "wake_ticks.h"

#include <QPainter>
#include <QPolygonF>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace pollscope::app {

namespace {

using trace::ChannelLane;
using trace::ResourceLanes;

/// A tick is as wide as the narrowest poll glyph; ops starting within
/// kGroupPx of a glyph's left edge merge into it (a pixel stays free).
constexpr int kTickPx = 4;
constexpr int kGroupPx = kTickPx + 1;
/// A merged glyph's count label needs this much room on its right.
constexpr int kCountMinRoom = 10;

const QColor kSendTick(0x2f, 0x5f, 0xb0);
const QColor kRecvTick(0xe0, 0x80, 0x10);
const QColor kResourceWake(0x00, 0x80, 0x80);
const QColor kDeadline(0xd0, 0x3a, 0x30);
/// At most this many resource lanes (a run with thousands of sleeps lists
/// them all in the Resources tab).
constexpr std::size_t kMaxResourceLanes = 200;
/// Resource wake arrows in view above this many are not drawn (too dense to read).
constexpr int kMaxResourceArrows = 400;
/// A live store bigger than TimelineView::kBigStore has its resources
/// recomputed once it grew by a tenth, not at every refresh, and past this
/// not until the run ends (the job holds the store's shared lock: the feed
/// waits to swap in what it appended meanwhile). (By size, not by a clock:
/// within one paint the answer must not change, the painter holds
/// references to them.)
constexpr std::size_t kLiveResourceEvents = 100000;

/// Each lane's wakes, for the arrows (at most kMaxResourceLanes are drawn).
std::vector<ResourceWakeIndex> index_wakes(const std::vector<trace::ResourceTimeline>& lanes) {
    std::vector<ResourceWakeIndex> out;
    out.reserve(std::min(lanes.size(), kMaxResourceLanes));
    for (std::size_t i = 0; i < lanes.size() && i < kMaxResourceLanes; ++i)
        out.emplace_back(lanes[i]);
    return out;
}

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

/// The channels of the drawn store.
const std::vector<ChannelLane>& channels_of(const TraceStore* store) {
    static const std::vector<ChannelLane> none;
    return store ? store->resource_lanes().channels() : none;
}

} // namespace

struct TimelineView::ResourceCache {
    /// What a background job computed, and from which state of the store.
    struct Computed {
        std::vector<trace::ResourceTimeline> lanes;
        std::vector<ResourceWakeIndex> wake_index;
        std::uint64_t generation = 0;
        std::size_t events = 0;
        std::int64_t end = 0;
    };
    std::vector<trace::ResourceTimeline> lanes;
    const TraceStore* of = nullptr;
    std::uint64_t generation = ~std::uint64_t(0);
    std::size_t events = 0;
    std::int64_t end = 0;
    // The selection, kept by what it is across recomputes.
    int selected = -1;
    bool any = false;
    trace::ResourceKey key;
    std::vector<std::uint32_t> involved; // the selected lane's tasks, ascending
    // Each channel's level at the rewind cursor (its events before it: on
    // the virtual clock many share one time, so not by time).
    std::int64_t levels_at = -1;
    std::vector<std::int32_t> levels;
    std::vector<ResourceWakeIndex> wake_index; // per lane
    // Last: stopped (joined) before the rest goes.
    std::unique_ptr<BackgroundJob<Computed>> job;
};

TimelineView::ResourceCache& TimelineView::resource_cache() const {
    if (!resources_)
        resources_ = std::make_shared<ResourceCache>();
    return *resources_;
}

const std::vector<trace::ResourceTimeline>& TimelineView::resource_timelines() const {
    ResourceCache& c = resource_cache();
    if (!store_) {
        c.lanes.clear();
        c.of = nullptr;
        c.selected = -1;
        c.involved.clear();
        return c.lanes;
    }
    const auto n = store_->trace().events.size();
    const bool same = c.of == store_ && c.generation == store_->generation() && c.events == n &&
                      c.end == store_->end_ts();
    // A big live store: recompute now and then, not at every refresh; past
    // kLiveResourceEvents not until the run ends.
    const bool throttled = c.of == store_ && live_now_ >= 0 && n > kBigStore &&
                           (n > kLiveResourceEvents || n < c.events + c.events / 10);
    if (same || throttled)
        return c.lanes;
    const std::int64_t now = live_now_ >= 0 ? std::max(live_now_, store_->end_ts()) : -1;
    // A big store's on a thread of their own (a scan of every poll, ~15 ms
    // per 100,000 events); meanwhile the view shows the ones it has. The
    // steps axis' store is never changed in place (StepsBuilder replaces it,
    // and set_step_axis() stops this job first).
    if (n > kBigStore) {
        if (!c.job)
            start_resource_job(now);
        return c.lanes;
    }
    auto lanes = trace::resource_timelines(*store_, now);
    auto index = index_wakes(lanes);
    set_resource_lanes(std::move(lanes), std::move(index), store_->generation(), n,
                       store_->end_ts());
    return c.lanes;
}

bool TimelineView::resource_lanes_pending() const {
    return resources_ && resources_->job;
}

void TimelineView::stop_resource_lanes() {
    if (!resources_)
        return;
    ResourceCache& c = *resources_;
    c.job.reset();
    c.lanes.clear();
    c.wake_index.clear();
    c.of = nullptr;
    c.selected = -1;
    c.involved.clear();
    c.levels_at = -1;
}

void TimelineView::start_resource_job(std::int64_t now) const {
    ResourceCache& c = resource_cache();
    const TraceStore* store = store_;
    // The view is the job's context: it is gone, the job is stopped first
    // (its cache goes with it), and the result is taken on this thread.
    auto* view = const_cast<TimelineView*>(this); // NOLINT(cppcoreguidelines-pro-type-const-cast)
    c.job = std::make_unique<BackgroundJob<ResourceCache::Computed>>(
        view,
        [store, now](std::stop_token stop) {
            // Readers only share the lock; the feed swaps when it is free
            // (try_lock), and any other change stops this job first
            // (stop_resource_lanes()).
            const std::shared_lock lock(store->mutex());
            ResourceCache::Computed out;
            out.lanes = trace::resource_timelines(*store, now, stop);
            out.wake_index = index_wakes(out.lanes);
            out.generation = store->generation();
            out.events = store->trace().events.size();
            out.end = store->end_ts();
            return out;
        },
        [view, store](ResourceCache::Computed r) {
            ResourceCache& cache = view->resource_cache();
            const auto finished = std::move(cache.job); // goes after this (its result's stack)
            if (store != view->store_)
                return; // another store is drawn now (set_store stops the job: not expected)
            view->set_resource_lanes(std::move(r.lanes), std::move(r.wake_index), r.generation,
                                     r.events, r.end);
            view->update_geometry();
            view->update();
            emit view->resource_lanes_changed();
        });
}

void TimelineView::set_resource_lanes(std::vector<trace::ResourceTimeline> lanes,
                                      std::vector<ResourceWakeIndex> wake_index,
                                      std::uint64_t generation, std::size_t events,
                                      std::int64_t end) const {
    ResourceCache& c = resource_cache();
    c.lanes = std::move(lanes);
    c.wake_index = std::move(wake_index);
    if (axis_ && real_) {
        // On the steps axis a time is a step: names tell real times, and a
        // sleep's deadline is the first step at or after it.
        for (auto& r : c.lanes) {
            if (r.row.channel < 0 && r.row.id != 0)
                r.row.name = trace::resource_name(*real_, r.row.id);
            const std::int64_t deadline =
                r.row.channel < 0 ? trace::sleep_deadline(*real_, r.row.id) : -1;
            r.deadline = deadline < 0 ? -1 : axis_->position_at_or_after(deadline);
        }
    }
    c.levels_at = -1;
    c.of = store_;
    c.generation = generation;
    c.events = events;
    c.end = end;
    // The selection follows its resource.
    c.selected = -1;
    c.involved.clear();
    if (c.any) {
        for (std::size_t i = 0; i < c.lanes.size(); ++i) {
            if (trace::resource_key(*store_, c.lanes[i].row) == c.key) {
                c.selected = int(i);
                c.involved = c.lanes[i].row.tasks;
                break;
            }
        }
    }
}

void TimelineView::set_selected_resource(int index) {
    const auto& lanes = resource_timelines();
    ResourceCache& c = resource_cache();
    if (index < 0 || index >= int(lanes.size())) {
        c.selected = -1;
        c.any = false;
        c.involved.clear();
    } else {
        const auto& row = lanes[std::size_t(index)].row;
        c.selected = index;
        c.any = true;
        c.key = trace::resource_key(*store_, row);
        c.involved = row.tasks;
    }
    update();
}

trace::ResourceKey TimelineView::resource_key(int index) const {
    const auto& lanes = resource_timelines();
    if (index < 0 || index >= int(lanes.size()))
        return {};
    return trace::resource_key(*store_, lanes[std::size_t(index)].row);
}

void TimelineView::select_resource(const trace::ResourceKey& key) {
    const auto& lanes = resource_timelines();
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        if (trace::resource_key(*store_, lanes[i].row) == key) {
            set_selected_resource(int(i));
            return;
        }
    }
    set_selected_resource(-1);
}

int TimelineView::selected_resource() const {
    resource_timelines();
    return resource_cache().selected;
}

bool TimelineView::resource_marked(int index) const {
    const auto& lanes = resource_timelines();
    if (index < 0 || std::size_t(index) >= lanes.size())
        return false;
    return index == resource_cache().selected ||
           (selected_ != 0 && lanes[std::size_t(index)].involves(selected_));
}

bool TimelineView::task_dimmed(std::uint32_t task) const {
    if (selected_resource() < 0)
        return false;
    const auto& inv = resource_cache().involved;
    return !std::binary_search(inv.begin(), inv.end(), task);
}

std::int32_t TimelineView::channel_level_at_cursor(int channel) const {
    const auto& lanes = resource_timelines(); // first: it may reset the levels
    (void)lanes;
    ResourceCache& c = resource_cache();
    const auto& chans = channels_of(store_);
    if (cursor_ < 0 || channel < 0 || std::size_t(channel) >= chans.size())
        return 0;
    if (c.levels_at != cursor_) {
        std::unordered_map<std::uint64_t, std::size_t> index;
        for (std::size_t i = 0; i < chans.size(); ++i)
            index.emplace((chans[i].address << 3) ^ chans[i].kind, i);
        c.levels.assign(chans.size(), 0);
        const auto& ev = store_->trace().events;
        const auto n = std::min<std::size_t>(std::size_t(cursor_), ev.size());
        for (std::size_t k = 0; k < n; ++k) {
            const trace::Event& e = ev[k];
            if (e.kind != trace::EventKind::ChannelSend && e.kind != trace::EventKind::ChannelRecv)
                continue;
            const std::uint64_t address = std::uint64_t(e.arg) | (std::uint64_t(e.arg2) << 32);
            if (const auto it = index.find((address << 3) ^ e.flag); it != index.end())
                c.levels[it->second] += e.kind == trace::EventKind::ChannelSend ? 1 : -1;
        }
        c.levels_at = cursor_;
    }
    return c.levels[std::size_t(channel)];
}

QString TimelineView::resource_lane_label(int index) const {
    const auto& lanes = resource_timelines();
    return index >= 0 && index < int(lanes.size()) ? resource_label(lanes[std::size_t(index)])
                                                   : QString();
}

int TimelineView::resource_rows() const {
    if (mode_ != LaneMode::Tasks)
        return 0;
    const auto n = std::min(resource_timelines().size(), kMaxResourceLanes);
    return n == 0 ? 0 : int(n) + 1; // the heading, then a row per resource
}

int TimelineView::resource_at_y(int y) const {
    if (resource_rows() == 0 || y < kRulerHeight)
        return -1;
    const int row = first_lane() + (y - kRulerHeight) / kLaneHeight;
    const int r = row - lane_count() - 1;
    return r >= 0 && r < resource_rows() - 1 ? r : -1;
}

bool TimelineView::resource_click(QPoint pos) {
    if (resource_rows() == 0 || pos.y() < kRulerHeight)
        return false;
    const int row = first_lane() + (pos.y() - kRulerHeight) / kLaneHeight;
    if (row < lane_count())
        return false;
    // The heading (or below the lanes) clears; the selected lane again clears.
    int r = resource_at_y(pos.y());
    if (r == selected_resource())
        r = -1;
    set_selected_resource(r);
    emit resource_clicked(r);
    return true;
}

int TimelineView::channel_at_y(int y) const {
    const int r = resource_at_y(y);
    return r < 0 ? -1 : resource_timelines()[std::size_t(r)].row.channel;
}

void TimelineView::paint_resource_lanes(QPainter& p, TimelineScene* scene) const {
    const int rows = resource_rows();
    if (rows == 0)
        return;
    const auto& chans = channels_of(store_);
    const auto& lanes = resource_timelines();
    const int heading = lane_count();
    const int x_left = map_.left, x_right = map_.left + map_.width;
    const int W = width();
    // The heading row: a separator across the plot.
    if (const int y = lane_y(heading); y + kLaneHeight > kRulerHeight && y < height()) {
        p.setPen(surfaces_.line);
        p.drawLine(x_left, y + kLaneHeight / 2, W, y + kLaneHeight / 2);
    }
    const std::int64_t t0 = map_.start, t1 = map_.end;
    const std::int64_t end_ts = std::max(store_->end_ts(), live_now_);
    const int x_end = int(std::min<double>(map_.to_x(end_ts), x_right + 1));
    QVector<QRect> fill, sends, recvs;
    LabelSpace space;
    space.reset(rows);
    struct CountLabel {
        int row, x0, x1, count;
    };
    std::vector<CountLabel> counts;
    struct ShutdownLabel {
        int row, x;
    };
    std::vector<ShutdownLabel> shutdowns;
    for (int ri = 0; ri < rows - 1; ++ri) {
        const int row = heading + 1 + ri;
        const int y = lane_y(row);
        if (y + kLaneHeight <= kRulerHeight || y >= height())
            continue;
        const trace::ResourceTimeline& r = lanes[std::size_t(ri)];
        if (ri == resource_cache().selected)
            p.fillRect(x_left, y, W - x_left, kLaneHeight, surfaces_.lane_selected);
        paint_waiting(p, r, y);
        const int ci = r.row.channel;
        if (ci < 0)
            continue;
        const ChannelLane& c = chans[std::size_t(ci)];
        if (c.ops.empty())
            continue;
        for (const std::uint32_t k : r.shutdown_ops)
            if (c.ops[k].ts >= t0 && c.ops[k].ts <= t1)
                shutdowns.push_back({row, map_.to_column(c.ops[k].ts) + kTickPx + 1});
        // The level is drawn against the highest it reached (no capacity is recorded).
        const int area_h = kLaneHeight - 6;
        const double per_level = double(area_h) / std::max(1, c.peak());
        const int base = y + kLaneHeight - 3;
        const auto level_rect = [&](int a, int b, std::int32_t level) {
            a = std::max(a, x_left - 1);
            b = std::min(b, x_end);
            const int h = int(std::lround(std::max(0, level) * per_level));
            if (b > a && h > 0)
                fill.append(QRect(a, base - h, b - a, h));
        };
        const int mid = y + kLaneHeight / 2;
        std::size_t i = ResourceLanes::op_at_or_after(c, t0);
        // The level carried into view from before it.
        int prev_right = x_left - 1;
        std::int32_t carried = c.level_before(i);
        while (i < c.ops.size() && c.ops[i].ts <= t1) {
            const int a = map_.to_column(c.ops[i].ts);
            const std::int64_t group_end = map_.to_time(a + kGroupPx);
            const auto j = std::size_t(
                std::partition_point(c.ops.begin() + std::ptrdiff_t(i) + 1, c.ops.end(),
                                     [&](const trace::ChannelOp& o) { return o.ts < group_end; }) -
                c.ops.begin());
            const int right = a + kTickPx;
            level_rect(prev_right, a, carried);
            level_rect(a, right, c.max_level(i, j));
            const int n_send = int(c.sends_in(i, j));
            const int n_recv = int(j - i) - n_send;
            if (n_send > 0)
                sends.append(QRect(a, y + 2, kTickPx, mid - y - 2));
            if (n_recv > 0)
                recvs.append(QRect(a, mid + 1, kTickPx, y + kLaneHeight - 2 - mid - 1));
            if (scene)
                scene->resource_glyphs.push_back({row, ci,
                                                  QRect(a, y + 2, kTickPx, kLaneHeight - 4), n_send,
                                                  n_recv, std::uint32_t(i)});
            const int next =
                j < c.ops.size() && c.ops[j].ts <= t1 ? map_.to_column(c.ops[j].ts) : x_right;
            if (j - i > 1 && next - right - 1 >= kCountMinRoom)
                counts.push_back({row, right + 1, next - 1, int(j - i)});
            carried = c.ops[j - 1].level;
            prev_right = right;
            i = j;
        }
        level_rect(prev_right, x_right + 1, carried);
    }
    p.setPen(Qt::NoPen);
    p.setBrush(palette::blend(surfaces_.background, palette::kPending, 0.3));
    p.drawRects(fill);
    p.setBrush(kSendTick);
    p.drawRects(sends);
    p.setBrush(kRecvTick);
    p.drawRects(recvs);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.8);
    p.setFont(f);
    const QFontMetrics fm = p.fontMetrics();
    // A broadcast's shutdown sends say so (before the counts: they matter more).
    p.setPen(kDeadline);
    for (const ShutdownLabel& l : shutdowns) {
        const QString text = tr("shutdown");
        const int w = fm.horizontalAdvance(text) + 2;
        // Left of the tick when the plot ends first.
        const int x = l.x + w > x_right ? l.x - kTickPx - 2 - w : l.x;
        const QRect rect(x, lane_y(l.row), w, kLaneHeight / 2);
        if (!space.claim(l.row - heading, LabelSpace::kUpper, rect.left(), rect.right() + 1))
            continue;
        p.drawText(rect, Qt::AlignLeft | Qt::AlignVCenter, text);
        if (scene)
            scene->labels.push_back({l.row, TimelineScene::LabelKind::Mark, rect, text});
    }
    p.setPen(surfaces_.dim_text);
    for (const CountLabel& l : counts) {
        const QString text = QStringLiteral("\u00d7%1").arg(l.count);
        const int w = fm.horizontalAdvance(text) + 2;
        if (w > l.x1 - l.x0)
            continue;
        const int y = lane_y(l.row);
        const QRect rect(l.x0, y, w, kLaneHeight / 2);
        if (!space.claim(l.row - heading, LabelSpace::kUpper, rect.left(), rect.right() + 1))
            continue;
        p.drawText(rect, Qt::AlignLeft | Qt::AlignVCenter, text);
        if (scene)
            scene->labels.push_back({l.row, TimelineScene::LabelKind::Count, rect, text});
    }
}

void TimelineView::paint_resource_labels(QPainter& p) const {
    const int rows = resource_rows();
    if (rows == 0)
        return;
    const auto& lanes = resource_timelines();
    const int heading = lane_count();
    const int selected = resource_cache().selected;
    QFont f = font();
    for (int r = 0; r < rows; ++r) {
        const int y = lane_y(heading + r);
        if (y + kLaneHeight <= kRulerHeight || y >= height())
            continue;
        const QRect box(8, y, kLabelWidth - 16, kLaneHeight);
        if (r == 0) {
            f.setBold(true);
            p.setFont(f);
            p.setPen(surfaces_.dim_text);
            const QString more = lanes.size() > std::size_t(rows - 1)
                                     ? tr(" (first %1 of %2)").arg(rows - 1).arg(lanes.size())
                                     : QString();
            p.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, tr("Resources") + more);
            p.setPen(surfaces_.line);
            p.drawLine(0, y, kLabelWidth - 4, y);
            f.setBold(false);
            p.setFont(f);
            continue;
        }
        const trace::ResourceTimeline& res = lanes[std::size_t(r - 1)];
        if (resource_marked(r - 1))
            p.fillRect(0, y, kLabelWidth - 4, kLaneHeight, surfaces_.lane_selected);
        f.setBold(r - 1 == selected);
        p.setFont(f);
        p.setPen(surfaces_.text);
        p.drawText(box, Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(resource_label(res), Qt::ElideRight, box.width()));
    }
    f.setBold(false);
    p.setFont(f);
}

QString TimelineView::resource_label(const trace::ResourceTimeline& r) const {
    const auto& row = r.row;
    const std::int64_t at = cursor_time();
    const std::int64_t when = at >= 0 ? at : std::max(store_->end_ts(), live_now_);
    if (row.channel >= 0) {
        const ChannelLane& c = channels_of(store_)[std::size_t(row.channel)];
        // Its own name when a waited resource gave one ("events"), else its kind and number.
        // The only channel of its kind needs no number.
        const auto& chans = channels_of(store_);
        const bool only = std::count_if(chans.begin(), chans.end(), [&](const ChannelLane& o) {
                              return o.kind == c.kind;
                          }) == 1;
        const QString label = only && c.kind != std::uint8_t(ChannelKind::TaskQueue)
                                  ? qs(std::string(trace::channel_kind_name(c.kind)))
                                  : qs(ResourceLanes::label(c));
        const QString name =
            row.id != 0 && !row.name.empty() && row.name != ResourceLanes::label(c)
                ? tr("%1 '%2'").arg(qs(std::string(trace::channel_kind_name(c.kind))), qs(row.name))
                : label;
        if (c.kind == std::uint8_t(ChannelKind::Broadcast))
            return r.subscribers.size() == 1
                       ? tr("%1: 1 subscriber").arg(name)
                       : tr("%1: %2 subscribers").arg(name).arg(r.subscribers.size());
        if (at >= 0)
            return tr("%1  %2 queued").arg(name).arg(channel_level_at_cursor(row.channel));
        return tr("%1  \u2264%2").arg(name).arg(std::max(0, c.peak()));
    }
    // One task's own resource (its sleep, its JoinHandle) says whose it is.
    QString name = r.waiters.size() == 1
                       ? tr("%1: %2").arg(store_->task_label(r.waiters[0]), qs(row.name))
                       : qs(row.name);
    const std::uint32_t n = r.waiting_at(when);
    if (n == 0)
        return name;
    return tr("%1  %2 waiting").arg(name).arg(n);
}

void TimelineView::paint_waiting(QPainter& p, const trace::ResourceTimeline& r, int y) const {
    const int x_left = map_.left, x_right = map_.left + map_.width;
    const std::int64_t t0 = map_.start, t1 = map_.end;
    const bool channel = r.row.channel >= 0;
    // A channel's parked tasks: a thin strip along its top; any other
    // resource: how many wait, as a step area against the most that did.
    const int area_h = channel ? 2 : kLaneHeight - 6;
    const int top = channel ? y + 1 : y + 3;
    const int base = channel ? top + area_h : y + kLaneHeight - 3;
    const double per = double(area_h) / std::max<std::uint32_t>(1, r.peak_waiting);
    QVector<QRect> rects;
    const auto& w = r.waiting;
    auto it = std::upper_bound(w.begin(), w.end(), t0,
                               [](std::int64_t t, const auto& s) { return t < s.first; });
    if (it != w.begin())
        --it;
    // Steps that share a pixel column: the most waiting among them.
    int col = -1;
    std::uint32_t col_max = 0;
    const auto flush = [&](int to) {
        if (col < 0 || col_max == 0)
            return;
        const int a = std::max(col, x_left - 1), b = std::min(to, x_right + 1);
        const int h = channel ? area_h : std::max(1, int(std::lround(col_max * per)));
        if (b > a)
            rects.append(QRect(a, base - h, b - a, h));
    };
    for (; it != w.end() && it->first <= t1; ++it) {
        const int a = std::max(map_.to_column(it->first), x_left - 1);
        if (a != col) {
            flush(a);
            col = a;
            col_max = it->second;
        } else {
            col_max = std::max(col_max, it->second);
        }
    }
    flush(x_right + 1);
    p.setPen(Qt::NoPen);
    p.setBrush(channel ? palette::kPendingDense
                       : palette::blend(surfaces_.background, palette::kWait, 0.7));
    p.drawRects(rects);
    if (r.deadline >= 0 && r.deadline >= t0 && r.deadline <= t1) {
        // The sleep's deadline: a red line with a notch.
        const int x = map_.to_column(r.deadline);
        p.setPen(QPen(kDeadline, 2));
        p.drawLine(x, y + 2, x, y + kLaneHeight - 2);
        p.drawLine(x - 3, y + 2, x + 3, y + 2);
    }
}

std::vector<std::pair<int, std::uint32_t>> TimelineView::lanes_in_view() const {
    std::vector<std::pair<int, std::uint32_t>> out;
    const auto ls = lanes();
    const int first = first_lane();
    const int last = std::min<int>(int(ls.size()), first + visible_lanes() + 1);
    for (int l = std::max(0, first); l < last; ++l)
        if (const int y = lane_y(l); y + kLaneHeight > kRulerHeight && y < height())
            out.emplace_back(l, ls[std::size_t(l)].key);
    return out;
}

void TimelineView::paint_resource_wakes(QPainter& p, TimelineScene* scene) const {
    const int rows = resource_rows();
    if (rows == 0)
        return;
    const int heading = lane_count();
    const std::int64_t t0 = map_.start, t1 = map_.end;
    const int top = kRulerHeight, bottom = height();
    struct Line {
        int resource;
        std::uint32_t task;
        int to_lane;
        QPointF from, to;
    };
    std::vector<Line> lines;
    const auto& index = resource_cache().wake_index;
    const auto visible = [bottom](int y) { return y + kLaneHeight > top && y < bottom; };
    // The task lanes in view (only their arrows count when a resource lane is not).
    const auto task_lanes = lanes_in_view();
    const auto add = [&](int ri, int y, const ResourceWakeIndex::Entry& e, int to) {
        const double x = map_.to_x(e.woken);
        lines.push_back(
            {ri, e.task, to, QPointF(x, y + 2), QPointF(x, lane_y(to) + kLaneHeight - 4)});
        return int(lines.size()) <= kMaxResourceArrows;
    };
    // Only arrows with an end in view: every wake in view of a resource lane
    // in view, else those that woke a task lane in view.
    bool room = true;
    for (int ri = 0; room && ri < rows - 1 && std::size_t(ri) < index.size(); ++ri) {
        const int y = lane_y(heading + 1 + ri);
        const ResourceWakeIndex& wakes = index[std::size_t(ri)];
        if (visible(y)) {
            for (const auto& e : wakes.woken_in(t0, t1)) {
                const int to = lane_of_task(e.task, 0);
                if (to < 0)
                    continue;
                room = add(ri, y, e, to);
                if (!room)
                    break;
            }
            continue;
        }
        for (const auto& [lane, task] : task_lanes) {
            for (const auto& e : wakes.woken_in(task, t0, t1)) {
                room = add(ri, y, e, lane);
                if (!room)
                    break;
            }
            if (!room)
                break;
        }
    }
    if (lines.empty())
        return;
    QColor c = kResourceWake;
    c.setAlpha(170);
    // Lines that would hide the task lanes they cross (ArrowInk), or too
    // many: a tick per column at the bottom of each woken task lane in view.
    ArrowInk ink(QRect(map_.left, top, map_.width, bottom - top));
    for (const Line& l : lines)
        ink.add(l.from, l.to);
    if (int(lines.size()) > kMaxResourceArrows || !ink.readable()) {
        const int first = first_lane();
        WakeTicks ticks{visible_lanes() + 1};
        for (const auto& [lane, task] : task_lanes) {
            if (lane - first > visible_lanes())
                continue;
            const int y = lane_y(lane) + kLaneHeight - 1 - WakeTicks::kHeight;
            for (std::size_t ri = 0; ri < index.size() && int(ri) < rows - 1; ++ri) {
                auto woken = index[ri].woken_in(task, t0, t1);
                while (!woken.empty()) {
                    const int col = map_.to_column(woken.front().woken);
                    ticks.add(lane - first, y, col);
                    // On past the rest of this column.
                    const std::int64_t next =
                        std::max(map_.to_time(col + 1), woken.front().woken + 1);
                    woken = woken.subspan(
                        std::size_t(std::lower_bound(woken.begin(), woken.end(), next,
                                                     [](const ResourceWakeIndex::Entry& e,
                                                        std::int64_t t) { return e.woken < t; }) -
                                    woken.begin()));
                }
            }
        }
        const QVector<QRect> rects = ticks.rects();
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawRects(rects);
        if (scene)
            scene->resource_wake_ticks = rects;
        return;
    }
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(c, 1, Qt::DotLine));
    for (const Line& l : lines)
        p.drawLine(l.from, l.to);
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    for (const Line& l : lines) {
        const QPointF t = l.to;
        p.drawPolygon(QPolygonF({t, QPointF(t.x() - 3, t.y() + 5), QPointF(t.x() + 3, t.y() + 5)}));
        if (scene)
            scene->resource_arrows.push_back({l.resource, l.task, l.to_lane, l.from, l.to});
    }
    p.restore();
}

void TimelineView::paint_resource_selection(QPainter& p, int first, int last,
                                            TimelineScene* scene) const {
    const int W = width();
    QColor veil = surfaces_.background;
    if (selected_resource() >= 0) {
        // The tasks that did not wait on it nor use it fade behind a veil.
        veil.setAlpha(170);
        const auto& ls = lanes();
        for (int l = first; l < last; ++l) {
            const std::uint32_t task = ls[std::size_t(l)].key;
            const bool dim = task_dimmed(task);
            if (dim)
                p.fillRect(0, lane_y(l), W, kLaneHeight, veil);
            if (scene)
                (dim ? scene->dimmed_lanes : scene->highlighted_lanes).push_back(l);
        }
    }
    // After the rewind cursor, the resource lanes have not happened yet.
    const std::int64_t at = cursor_time();
    const int rows = resource_rows();
    if (at < 0 || rows == 0)
        return;
    const int x = std::max(map_.left, int(std::ceil(map_.to_x(at))));
    const int y0 = std::max(kRulerHeight, lane_y(lane_count() + 1));
    const int y1 = std::min(height(), lane_y(lane_count() + rows));
    QColor grey = surfaces_.background;
    grey.setAlpha(150);
    if (y1 > y0 && x < W)
        p.fillRect(x, y0, W - x, y1 - y0, grey);
}

QString TimelineView::resource_tooltip_at(QPoint pos) const {
    const int ri = resource_at_y(pos.y());
    if (ri < 0)
        return {};
    const trace::ResourceTimeline& r = resource_timelines()[std::size_t(ri)];
    if (r.row.channel < 0)
        return waiting_tooltip(r, pos);
    const ChannelLane& c = channels_of(store_)[std::size_t(r.row.channel)];
    const QString name = resource_label(r).toHtmlEscaped();
    if (pos.x() < kLabelWidth - 4) {
        QString tip = tr("<b>%1</b><br>%2 sends, %3 recvs; highest fill level %4 "
                         "(no capacity is recorded for a channel's address)<br>"
                         "%5 tasks used it, %6 waited on it (%7 waits)")
                          .arg(name)
                          .arg(c.sends)
                          .arg(c.recvs)
                          .arg(c.peak())
                          .arg(r.row.tasks.size())
                          .arg(r.waiters.size())
                          .arg(r.row.waits);
        for (const trace::Subscriber& s : r.subscribers) {
            tip += tr("<br>subscriber %1: %2 received, at most %3 behind the sends")
                       .arg(store_->task_title(s.task).toHtmlEscaped())
                       .arg(s.recvs)
                       .arg(s.max_lag);
            if (s.missed > 0)
                tip += tr(", missed %1 (lagged)").arg(s.missed);
            if (s.subscribed < 0 && !r.receivers.empty())
                tip += tr(" (its subscribe was not recorded)");
        }
        if (!r.receivers.empty()) {
            std::uint32_t most = 0;
            for (const auto& [ts, n] : r.receivers)
                most = std::max(most, n);
            tip += tr("<br>receivers: at most %1 at once, %2 at the end (recorded "
                      "subscribes and drops)")
                       .arg(most)
                       .arg(r.receivers.back().second);
        } else if (!r.subscribers.empty()) {
            tip += tr("<br><i>No subscribe recorded: lag counted from the first send</i>");
        }
        return tip + tr("<br><i>Click to highlight its tasks</i>");
    }
    // The op nearest the pointer within a glyph's reach.
    const auto slack = std::int64_t(std::ceil(map_.ns_per_pixel() * kGroupPx));
    const std::int64_t t = map_.to_time(pos.x());
    std::size_t k = ResourceLanes::op_at_or_after(c, t - slack);
    std::size_t best = c.ops.size(), near = 0;
    std::int64_t best_d = slack + 1;
    for (; k < c.ops.size() && c.ops[k].ts <= t + slack; ++k) {
        ++near;
        const std::int64_t d = std::abs(c.ops[k].ts - t);
        if (d < best_d) {
            best_d = d;
            best = k;
        }
    }
    if (best == c.ops.size())
        return {};
    const trace::ChannelOp& o = c.ops[best];
    const TraceStore* real = axis_ ? real_ : store_;
    const QString who = o.task ? store_->task_title(o.task) : store_->thread_label(o.thread);
    QString tip =
        tr("<b>%1</b><br>%2 by %3<br>fill level after: %4<br>at %5")
            .arg(name, o.send ? tr("send") : tr("recv"), who.toHtmlEscaped())
            .arg(o.level)
            .arg(TaskTableModel::format_ns(real_time(o.ts) - (real ? real->start_ts() : 0)));
    if (near > 1)
        tip += tr("<br>(%1 sends and recvs here)").arg(near);
    return tip;
}

QString TimelineView::waiting_tooltip(const trace::ResourceTimeline& r, QPoint pos) const {
    const QString name = qs(r.row.name).toHtmlEscaped();
    QString tip = tr("<b>%1</b> (%2)<br>%3 waits by %4 tasks")
                      .arg(name, qs(r.row.kind_text).toHtmlEscaped())
                      .arg(r.row.waits)
                      .arg(r.waiters.size());
    const TraceStore* real = axis_ ? real_ : store_;
    const std::int64_t origin = real ? real->start_ts() : 0;
    if (r.deadline >= 0 && axis_ && real_)
        tip += tr("<br>deadline at %1 (step %2)")
                   .arg(TaskTableModel::format_ns(trace::sleep_deadline(*real_, r.row.id) - origin))
                   .arg(axis_->step_at(r.deadline));
    else if (r.deadline >= 0)
        tip +=
            tr("<br>deadline at %1").arg(TaskTableModel::format_ns(real_time(r.deadline) - origin));
    if (r.joined != 0)
        tip += tr("<br>joins %1").arg(store_->task_title(r.joined).toHtmlEscaped());
    if (pos.x() >= kLabelWidth - 4) {
        const std::int64_t t = map_.to_time(pos.x());
        tip += tr("<br>%1 waiting at %2")
                   .arg(r.waiting_at(t))
                   .arg(TaskTableModel::format_ns(real_time(t) - origin));
    }
    return tip + tr("<br><i>Click to highlight its tasks</i>");
}

} // namespace pollscope::app
