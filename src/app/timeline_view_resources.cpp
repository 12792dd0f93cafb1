// TimelineView's resource lanes: below the task lanes, a "Channels" heading
// and one lane per channel (trace::ResourceLanes) with its fill level as a
// thin step area and a tick per send (up) and recv (down). Only the visible
// time range is visited (binary search); ops within a few pixels merge into
// one glyph that says how many, as the task lanes' polls do.
#include "label_space.h"
#include "step_axis.h"
#include "task_table_model.h"
#include "timeline_palette.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

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

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

/// The channels of the drawn store.
const std::vector<ChannelLane>& channels_of(const TraceStore* store) {
    static const std::vector<ChannelLane> none;
    return store ? store->resource_lanes().channels() : none;
}

} // namespace

int TimelineView::resource_rows() const {
    if (mode_ != LaneMode::Tasks)
        return 0;
    const auto n = channels_of(store_).size();
    return n == 0 ? 0 : int(n) + 1; // the heading, then a row per channel
}

int TimelineView::channel_at_y(int y) const {
    if (resource_rows() == 0 || y < kRulerHeight)
        return -1;
    const int row = first_lane() + (y - kRulerHeight) / kLaneHeight;
    const int c = row - lane_count() - 1;
    return c >= 0 && c < int(channels_of(store_).size()) ? c : -1;
}

void TimelineView::paint_resource_lanes(QPainter& p, TimelineScene* scene) const {
    const int rows = resource_rows();
    if (rows == 0)
        return;
    const auto& chans = channels_of(store_);
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
    for (int ci = 0; ci < int(chans.size()); ++ci) {
        const int row = heading + 1 + ci;
        const int y = lane_y(row);
        if (y + kLaneHeight <= kRulerHeight || y >= height())
            continue;
        const ChannelLane& c = chans[std::size_t(ci)];
        if (c.ops.empty())
            continue;
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
    if (counts.empty())
        return;
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.8);
    p.setFont(f);
    const QFontMetrics fm = p.fontMetrics();
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
    const auto& chans = channels_of(store_);
    const int heading = lane_count();
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
            p.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, tr("Channels"));
            p.setPen(surfaces_.line);
            p.drawLine(0, y, kLabelWidth - 4, y);
            f.setBold(false);
            p.setFont(f);
            continue;
        }
        const ChannelLane& c = chans[std::size_t(r - 1)];
        p.setPen(surfaces_.text);
        const QString text =
            tr("%1  \u2264%2").arg(qs(ResourceLanes::label(c))).arg(std::max(0, c.peak()));
        p.drawText(box, Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(text, Qt::ElideRight, box.width()));
    }
}

QString TimelineView::resource_tooltip_at(QPoint pos) const {
    const int ci = channel_at_y(pos.y());
    if (ci < 0)
        return {};
    const ChannelLane& c = channels_of(store_)[std::size_t(ci)];
    const QString name = qs(ResourceLanes::label(c)).toHtmlEscaped();
    if (pos.x() < kLabelWidth - 4)
        return tr("<b>%1</b><br>%2 sends, %3 recvs; highest fill level %4<br>"
                  "(no capacity or name is recorded for a channel's address)")
            .arg(name)
            .arg(c.sends)
            .arg(c.recvs)
            .arg(c.peak());
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

} // namespace pollscope::app
