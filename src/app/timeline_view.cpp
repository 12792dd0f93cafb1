#include "timeline_view.h"

#include "task_table_model.h"
#include "trace_store.h"

#include <QElapsedTimer>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>

namespace pollscope::app {

namespace {

// Colours: outcome of a poll, waiting, wakes, markers.
const QColor kPending(0x4a, 0x7f, 0xd0);
const QColor kPendingDense(0x2f, 0x5f, 0xb0);
const QColor kReady(0x2e, 0xa0, 0x4f);
const QColor kFailed(0xd0, 0x3a, 0x30);
const QColor kRunning(0x9a, 0x6a, 0xd8);
const QColor kWait(0xa8, 0xae, 0xb6);
const QColor kWake(0xe0, 0x80, 0x10);
const QColor kLaneAlt(0xf6, 0xf7, 0xf9);
const QColor kLaneSel(0xe3, 0xee, 0xff);
const QColor kGrid(0xe2, 0xe4, 0xe8);
const QColor kText(0x30, 0x33, 0x38);

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

/// 1, 2, 5 x 10^k nanoseconds: the ruler's tick step for ~`target` ns.
std::int64_t nice_step(double target) {
    if (target < 1)
        return 1;
    const double e = std::pow(10.0, std::floor(std::log10(target)));
    const double f = target / e;
    const double m = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
    return std::max<std::int64_t>(1, std::int64_t(m * e));
}

} // namespace

TimelineView::TimelineView(QWidget* parent)
    : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(300, 120);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::ClickFocus);
    vbar_ = new QScrollBar(Qt::Vertical, this);
    vbar_->setRange(0, 0);
    connect(vbar_, &QScrollBar::valueChanged, this, qOverload<>(&QWidget::update));
    map_.left = kLabelWidth;
}

void TimelineView::set_store(const TraceStore* store) {
    store_ = store;
    has_range_ = false;
    store_changed();
}

void TimelineView::set_lane_mode(LaneMode mode) {
    if (mode_ == mode)
        return;
    mode_ = mode;
    vbar_->setValue(0);
    update_geometry();
    update();
}

void TimelineView::set_follow_live(bool on) {
    if (follow_ == on)
        return;
    follow_ = on;
    if (on)
        store_changed();
    emit follow_live_changed(on);
}

void TimelineView::set_selected_task(std::uint32_t task) {
    selected_ = task;
    // Bring the selected lane into view.
    if (store_ && mode_ == LaneMode::Tasks) {
        const int l = store_->task_lane(task);
        if (l >= 0 && (l < vbar_->value() || l >= vbar_->value() + visible_lanes()))
            vbar_->setValue(std::max(0, l - visible_lanes() / 2));
    }
    update();
}

void TimelineView::set_waiting_task(std::uint32_t task) {
    waiting_ = task;
    update();
}

void TimelineView::set_mapping_range(std::int64_t start, std::int64_t end) {
    map_.start = start;
    map_.end = std::max(end, start + 1);
    has_range_ = true;
    update();
}

const std::vector<Lane>& TimelineView::lanes() const {
    static const std::vector<Lane> none;
    if (!store_)
        return none;
    return mode_ == LaneMode::Tasks ? store_->task_lanes() : store_->thread_lanes();
}

int TimelineView::lane_count() const {
    return int(lanes().size());
}

int TimelineView::visible_lanes() const {
    return std::max(1, (height() - kRulerHeight) / kLaneHeight);
}

int TimelineView::first_lane() const {
    return vbar_->value();
}

int TimelineView::lane_y(int lane) const {
    return kRulerHeight + (lane - first_lane()) * kLaneHeight;
}

int TimelineView::lane_at_y(int y) const {
    if (y < kRulerHeight)
        return -1;
    const int l = first_lane() + (y - kRulerHeight) / kLaneHeight;
    return l < lane_count() ? l : -1;
}

int TimelineView::lane_of_task(std::uint32_t task, std::uint16_t thread) const {
    if (!store_)
        return -1;
    return mode_ == LaneMode::Tasks ? store_->task_lane(task) : store_->thread_lane(thread);
}

void TimelineView::update_geometry() {
    const int w = vbar_->sizeHint().width();
    vbar_->setGeometry(width() - w, kRulerHeight, w, height() - kRulerHeight);
    const int hidden = std::max(0, lane_count() - visible_lanes());
    vbar_->setRange(0, hidden);
    vbar_->setPageStep(visible_lanes());
    vbar_->setVisible(hidden > 0);
    map_.left = kLabelWidth;
    map_.width = std::max(1, width() - kLabelWidth - (vbar_->isVisible() ? w : 0) - 8);
}

void TimelineView::store_changed() {
    update_geometry();
    if (store_ && !store_->empty()) {
        if (!has_range_) {
            fit();
            has_range_ = true;
        } else if (follow_) {
            // Grow the view with the trace until it is a few seconds long,
            // then keep the newest span in view.
            const auto whole = store_->end_ts() - store_->start_ts();
            if (map_.start <= store_->start_ts() && map_.span() < whole * 21 / 20 + 1000 &&
                whole < 20'000'000'000LL)
                fit();
            else
                map_.follow(store_->end_ts());
        }
    }
    update();
}

void TimelineView::fit() {
    update_geometry();
    if (!store_ || store_->empty()) {
        map_.start = 0;
        map_.end = 1'000'000;
    } else {
        map_.fit(store_->start_ts(), store_->end_ts());
    }
    has_range_ = true;
    update();
}

void TimelineView::resizeEvent(QResizeEvent*) {
    update_geometry();
}

void TimelineView::paint_ruler(QPainter& p, const QRect& area) const {
    p.fillRect(area, QColor(0xee, 0xef, 0xf2));
    p.setPen(QColor(0xc8, 0xcb, 0xd0));
    p.drawLine(area.bottomLeft(), area.bottomRight());
    const std::int64_t origin = store_ ? store_->start_ts() : 0;
    const auto step = nice_step(map_.ns_per_pixel() * 110);
    // First tick at a multiple of step relative to the trace origin.
    std::int64_t rel0 = map_.start - origin;
    std::int64_t t =
        origin + (rel0 >= 0 ? (rel0 / step) * step : -((-rel0 + step - 1) / step) * step);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    for (; t <= map_.end; t += step) {
        const int x = int(std::lround(map_.to_x(t)));
        if (x < map_.left)
            continue;
        p.setPen(QColor(0x90, 0x94, 0x9a));
        p.drawLine(x, area.bottom() - 6, x, area.bottom());
        p.setPen(kText);
        p.drawText(x + 3, area.top() + 2, 100, area.height() - 6, Qt::AlignLeft | Qt::AlignVCenter,
                   TaskTableModel::format_ns(t - origin));
    }
}

void TimelineView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    render_to(p);
}

void TimelineView::render_to(QPainter& p) {
    QElapsedTimer timer;
    timer.start();
    p.setRenderHint(QPainter::Antialiasing, false);
    const int W = width() - (vbar_->isVisible() ? vbar_->width() : 0);
    const int H = height();
    p.fillRect(0, 0, width(), H, Qt::white);
    last_rects_ = 0;

    const auto& ls = lanes();
    const int first = first_lane();
    const int last = std::min<int>(int(ls.size()), first + visible_lanes() + 1);
    const std::int64_t t0 = map_.start, t1 = map_.end;
    const std::int64_t now = store_ ? store_->end_ts() : 0;
    const int x_left = map_.left, x_right = map_.left + map_.width;

    // Lane backgrounds and vertical grid.
    for (int l = first; l < last; ++l) {
        const int y = lane_y(l);
        const bool sel =
            mode_ == LaneMode::Tasks && ls[std::size_t(l)].key == selected_ && selected_ != 0;
        if (sel)
            p.fillRect(0, y, W, kLaneHeight, kLaneSel);
        else if (l % 2)
            p.fillRect(0, y, W, kLaneHeight, kLaneAlt);
    }
    {
        const auto step = nice_step(map_.ns_per_pixel() * 110);
        const std::int64_t origin = store_ ? store_->start_ts() : 0;
        std::int64_t rel0 = t0 - origin;
        std::int64_t t =
            origin + (rel0 >= 0 ? (rel0 / step) * step : -((-rel0 + step - 1) / step) * step);
        p.setPen(kGrid);
        for (; t <= t1; t += step) {
            const int x = int(std::lround(map_.to_x(t)));
            if (x >= x_left)
                p.drawLine(x, kRulerHeight, x, H);
        }
    }

    p.setClipRect(QRect(x_left, kRulerHeight, x_right - x_left + 1, H - kRulerHeight));
    if (store_) {
        const auto& polls = store_->polls();
        // Rectangles batched by colour: pending, pending-merged, ready, failed, running.
        std::array<QVector<QRect>, 5> batch;
        QVector<QLine> waits;
        for (int l = first; l < last; ++l) {
            const Lane& lane = ls[std::size_t(l)];
            const int y = lane_y(l);
            const int mid = y + kLaneHeight / 2;
            const int bar_y = y + 4, bar_h = kLaneHeight - 8;
            if (mode_ == LaneMode::Tasks) {
                // The task's lifetime as a thin line: it waits wherever no bar covers it.
                const std::int64_t end = lane.last >= 0 ? lane.last : now;
                if (end >= t0 && lane.first <= t1) {
                    const int xa = std::max(x_left - 1, map_.to_column(lane.first));
                    const int xb = std::min(x_right + 1, map_.to_column(end));
                    if (xb > xa)
                        waits.append(QLine(xa, mid, xb, mid));
                }
            }
            const auto& v = lane.polls;
            // First poll that ends at or after t0 (open polls end "now").
            auto it =
                std::lower_bound(v.begin(), v.end(), t0, [&](std::uint32_t i, std::int64_t t) {
                    const auto& b = polls[i];
                    return (b.open() ? now : b.end) < t;
                });
            std::size_t i = std::size_t(it - v.begin());
            while (i < v.size()) {
                const PollBar& b = polls[v[i]];
                if (b.start > t1)
                    break;
                const std::int64_t end = b.open() ? now : b.end;
                const double xa = map_.to_x(b.start), xb = map_.to_x(end);
                if (b.open()) {
                    const int a = int(std::floor(xa));
                    batch[4].append(QRect(a, bar_y, std::max(2, int(std::ceil(xb)) - a), bar_h));
                    ++i;
                    continue;
                }
                if (xb - xa >= 2.0) {
                    const int a = int(std::floor(xa));
                    const int w = std::max(3, int(std::ceil(xb)) - a);
                    const int c = b.outcome == trace::Outcome::Pending ? 0
                                  : b.outcome == trace::Outcome::Ready ? 2
                                                                       : 3;
                    batch[std::size_t(c)].append(QRect(a, bar_y, w, bar_h));
                    ++i;
                    continue;
                }
                // Sub-pixel poll: merge every poll starting in this pixel column.
                const int col = int(std::floor(xa));
                const std::int64_t col_end = map_.to_time(col + 1);
                auto jt = std::lower_bound(
                    v.begin() + std::ptrdiff_t(i) + 1, v.end(), col_end,
                    [&](std::uint32_t k, std::int64_t t) { return polls[k].start < t; });
                const std::size_t j = std::size_t(jt - v.begin());
                int c = j - i > 1 ? 1 : 0;
                if (j - i == 1 && b.outcome != trace::Outcome::Pending)
                    c = b.outcome == trace::Outcome::Ready ? 2 : 3;
                const int right = std::max(
                    col + 2,
                    int(std::ceil(map_.to_x(polls[v[j - 1]].open() ? now : polls[v[j - 1]].end))));
                batch[std::size_t(c)].append(QRect(col, bar_y, right - col, bar_h));
                i = j;
            }
        }
        p.setPen(QPen(kWait, 1));
        p.drawLines(waits);
        p.setPen(Qt::NoPen);
        const QColor colours[5] = {kPending, kPendingDense, kReady, kFailed, kRunning};
        for (std::size_t c = 0; c < batch.size(); ++c) {
            if (batch[c].isEmpty())
                continue;
            p.setBrush(colours[c]);
            p.drawRects(batch[c]);
            last_rects_ += int(batch[c].size());
        }

        // Wake arrows: from the waker's lane at the wake to the poll it caused.
        const auto& wakes = store_->wakes();
        auto wa = std::lower_bound(wakes.begin(), wakes.end(), t0,
                                   [](const WakeRec& w, std::int64_t t) { return w.ts < t; });
        auto wb = std::upper_bound(wakes.begin(), wakes.end(), t1,
                                   [](std::int64_t t, const WakeRec& w) { return t < w.ts; });
        if (wb - wa <= 2000) {
            p.setRenderHint(QPainter::Antialiasing, true);
            QPen pen(kWake, 1.2);
            p.setPen(pen);
            p.setBrush(kWake);
            for (auto w = wa; w != wb; ++w) {
                const int pi = store_->poll_after(w->woken, w->ts);
                if (pi < 0)
                    continue;
                const PollBar& target = polls[std::size_t(pi)];
                const int to_lane = lane_of_task(target.task, target.thread);
                int from_lane = -1;
                if (mode_ == LaneMode::Tasks)
                    from_lane = w->waker ? store_->task_lane(w->waker) : -1;
                else
                    from_lane = store_->thread_lane(w->thread);
                const bool vis_to = to_lane >= first && to_lane < last;
                const bool vis_from = from_lane >= first && from_lane < last;
                if (!vis_to && !vis_from)
                    continue;
                const double x1 = map_.to_x(w->ts);
                const double x2 = map_.to_x(target.start);
                const double y2 =
                    lane_y(to_lane) + (from_lane >= 0 && from_lane < to_lane ? 3 : kLaneHeight - 3);
                double y1;
                if (from_lane >= 0 && from_lane != to_lane)
                    y1 = lane_y(from_lane) + (from_lane < to_lane ? kLaneHeight - 3 : 3);
                else
                    y1 = lane_y(to_lane) + 2; // from a plain thread or itself: a short hook
                if (from_lane == to_lane || from_lane < 0) {
                    // Same lane: an arc above the lane.
                    QPainterPath path(QPointF(x1, y1));
                    path.cubicTo(x1, y1 - 7, x2, y1 - 7, x2, y1 + 1);
                    p.setBrush(Qt::NoBrush);
                    p.drawPath(path);
                    p.setBrush(kWake);
                    const QPointF tip(x2, y1 + 2);
                    const QPointF head[3] = {tip, tip + QPointF(-3, -5), tip + QPointF(3, -5)};
                    p.drawPolygon(head, 3);
                    continue;
                }
                p.drawLine(QPointF(x1, y1), QPointF(x2, y2));
                const double ang = std::atan2(y2 - y1, x2 - x1);
                const QPointF tip(x2, y2);
                const QPointF head[3] = {
                    tip, tip - QPointF(std::cos(ang - 0.45) * 6, std::sin(ang - 0.45) * 6),
                    tip - QPointF(std::cos(ang + 0.45) * 6, std::sin(ang + 0.45) * 6)};
                p.drawPolygon(head, 3);
            }
            p.setRenderHint(QPainter::Antialiasing, false);
        }

        // Markers.
        const auto& ms = store_->markers();
        auto ma = std::lower_bound(ms.begin(), ms.end(), t0,
                                   [](const Marker& m, std::int64_t t) { return m.ts < t; });
        auto mb = std::upper_bound(ms.begin(), ms.end(), t1,
                                   [](std::int64_t t, const Marker& m) { return t < m.ts; });
        if (mb - ma <= 5000) {
            QFont f = font();
            f.setPointSizeF(f.pointSizeF() * 0.8);
            p.setFont(f);
            p.setRenderHint(QPainter::Antialiasing, true);
            for (auto m = ma; m != mb; ++m) {
                int lane = lane_of_task(m->task, m->thread);
                if (lane < 0)
                    lane = first; // a plain thread's shutdown: on top
                if (lane < first || lane >= last)
                    continue;
                const double x = map_.to_x(m->ts);
                const int y = lane_y(lane);
                switch (m->kind) {
                case MarkerKind::Spawn: {
                    p.setPen(Qt::NoPen);
                    p.setBrush(QColor(0x30, 0x90, 0x40));
                    const QPointF tri[3] = {{x, double(y + 3)},
                                            {x + 6, double(y + kLaneHeight / 2)},
                                            {x, double(y + kLaneHeight - 3)}};
                    p.drawPolygon(tri, 3);
                    break;
                }
                case MarkerKind::Cancel:
                case MarkerKind::Fail: {
                    p.setPen(QPen(kFailed, 2));
                    const double c = y + kLaneHeight / 2.0;
                    p.drawLine(QPointF(x - 4, c - 4), QPointF(x + 4, c + 4));
                    p.drawLine(QPointF(x - 4, c + 4), QPointF(x + 4, c - 4));
                    break;
                }
                case MarkerKind::Yield:
                    p.setPen(QPen(QColor(0x70, 0x70, 0x70), 1));
                    p.setBrush(Qt::white);
                    p.drawEllipse(QPointF(x, y + 3.5), 2.5, 2.5);
                    break;
                case MarkerKind::Shutdown: {
                    p.setPen(Qt::NoPen);
                    p.setBrush(QColor(0x8e, 0x3c, 0xc8));
                    const double c = y + kLaneHeight / 2.0;
                    const QPointF d[4] = {{x, c - 6}, {x + 6, c}, {x, c + 6}, {x - 6, c}};
                    p.drawPolygon(d, 4);
                    break;
                }
                case MarkerKind::Mark: {
                    p.setPen(QPen(QColor(0x1a, 0x6a, 0x9a), 1));
                    p.drawLine(QPointF(x, y + 1), QPointF(x, y + kLaneHeight - 1));
                    p.setBrush(QColor(0x1a, 0x6a, 0x9a));
                    const QPointF flag[3] = {
                        {x, double(y + 1)}, {x + 6, double(y + 4)}, {x, double(y + 7)}};
                    p.drawPolygon(flag, 3);
                    // Label when there is room before the next marker.
                    const double next_x = (m + 1 != mb) ? map_.to_x((m + 1)->ts) : x_right;
                    if (next_x - x > 60) {
                        p.setPen(QColor(0x1a, 0x4a, 0x6a));
                        p.drawText(QRectF(x + 8, y, std::min(next_x - x - 10, 220.0),
                                          kLaneHeight / 2.0 + 2),
                                   Qt::AlignLeft | Qt::AlignVCenter,
                                   qs(store_->trace().string(m->text)));
                    }
                    break;
                }
                }
            }
            p.setRenderHint(QPainter::Antialiasing, false);
        }

        // The task a stepped run is about to poll.
        if (waiting_ != 0) {
            const int lane = mode_ == LaneMode::Tasks ? store_->task_lane(waiting_) : -1;
            if (lane >= first && lane < last) {
                const double x = std::min<double>(map_.to_x(now), x_right - 2);
                p.setPen(QPen(kRunning, 2, Qt::DashLine));
                p.setBrush(Qt::NoBrush);
                p.drawRect(QRectF(x, lane_y(lane) + 3, 8, kLaneHeight - 6));
            }
        }
        // Live edge.
        const double xn = map_.to_x(now);
        if (xn >= x_left && xn <= x_right) {
            p.setPen(QPen(QColor(0xc0, 0x40, 0x40, 120), 1, Qt::DashLine));
            p.drawLine(QPointF(xn, kRulerHeight), QPointF(xn, H));
        }
    }
    p.setClipping(false);

    // Lane labels on their own column.
    p.fillRect(0, kRulerHeight, kLabelWidth - 4, H - kRulerHeight, QColor(0xfa, 0xfa, 0xfb));
    p.setPen(QColor(0xd8, 0xda, 0xde));
    p.drawLine(kLabelWidth - 4, kRulerHeight, kLabelWidth - 4, H);
    for (int l = first; l < last; ++l) {
        const Lane& lane = ls[std::size_t(l)];
        const int y = lane_y(l);
        const bool sel = mode_ == LaneMode::Tasks && lane.key == selected_ && selected_ != 0;
        if (sel)
            p.fillRect(0, y, kLabelWidth - 4, kLaneHeight, kLaneSel);
        QString label = mode_ == LaneMode::Tasks ? store_->task_label(lane.key)
                                                 : store_->thread_label(std::uint16_t(lane.key));
        if (mode_ == LaneMode::Tasks)
            label = QStringLiteral("%1  #%2").arg(label).arg(lane.key);
        QFont f = font();
        f.setBold(sel);
        p.setFont(f);
        p.setPen(kText);
        p.drawText(QRect(8, y, kLabelWidth - 16, kLaneHeight), Qt::AlignLeft | Qt::AlignVCenter,
                   fontMetrics().elidedText(label, Qt::ElideRight, kLabelWidth - 16));
    }
    if (ls.empty()) {
        p.setPen(QColor(0x80, 0x84, 0x8a));
        p.drawText(rect().adjusted(kLabelWidth, kRulerHeight, 0, 0), Qt::AlignCenter,
                   tr("Nothing recorded yet.\nPress Run (Space) to start the example, or open a "
                      "trace (Ctrl+O)."));
    }
    QFont f = font();
    p.setFont(f);
    paint_ruler(p, QRect(0, 0, width(), kRulerHeight));
    p.setPen(kText);
    p.drawText(QRect(8, 0, kLabelWidth - 12, kRulerHeight), Qt::AlignLeft | Qt::AlignVCenter,
               mode_ == LaneMode::Tasks ? tr("Tasks") : tr("Workers"));
    last_paint_ms_ = double(timer.nsecsElapsed()) / 1e6;
}

int TimelineView::poll_at(QPoint pos) const {
    if (!store_ || pos.x() < map_.left)
        return -1;
    const int l = lane_at_y(pos.y());
    if (l < 0)
        return -1;
    const auto& lane = lanes()[std::size_t(l)];
    const auto& polls = store_->polls();
    const std::int64_t now = store_->end_ts();
    const auto slack = std::int64_t(std::ceil(map_.ns_per_pixel() * 2));
    const std::int64_t t = map_.to_time(pos.x());
    auto it = std::lower_bound(lane.polls.begin(), lane.polls.end(), t - slack,
                               [&](std::uint32_t i, std::int64_t x) {
                                   return (polls[i].open() ? now : polls[i].end) < x;
                               });
    // The nearest poll among the few within the slack.
    int best = -1;
    std::int64_t best_d = slack + 1;
    for (; it != lane.polls.end() && polls[*it].start <= t + slack; ++it) {
        const auto& b = polls[*it];
        const std::int64_t e = b.open() ? now : b.end;
        const std::int64_t d = t < b.start ? b.start - t : t > e ? t - e : 0;
        if (d < best_d) {
            best_d = d;
            best = int(*it);
        }
    }
    return best;
}

QString TimelineView::tooltip_at(QPoint pos) const {
    const int pi = poll_at(pos);
    if (pi < 0)
        return {};
    const auto& b = store_->polls()[std::size_t(pi)];
    const auto& t = store_->trace();
    QString outcome = b.open() ? tr("running") : qs(trace::outcome_name(b.outcome));
    QString site = b.site ? qs(t.location_text(b.site)) : tr("—");
    const int slash = site.lastIndexOf(QLatin1Char('/'));
    if (slash >= 0)
        site = site.mid(slash + 1);
    QString woken = tr("— (first poll)");
    if (const WakeRec* w = store_->cause_of(std::uint32_t(pi))) {
        woken = w->waker ? store_->task_label(w->waker) : store_->thread_label(w->thread);
        woken += tr(", %1 before").arg(TaskTableModel::format_ns(b.start - w->ts));
    }
    const auto dur = (b.open() ? store_->end_ts() : b.end) - b.start;
    return tr("<b>%1</b> #%2<br>poll %3: <b>%4</b><br>duration %5<br>at %6<br>"
              "on %7<br>woken by %8")
        .arg(store_->task_label(b.task).toHtmlEscaped())
        .arg(b.task)
        .arg(b.number)
        .arg(outcome, TaskTableModel::format_ns(dur), site.toHtmlEscaped(),
             store_->thread_label(b.thread).toHtmlEscaped(), woken.toHtmlEscaped());
}

bool TimelineView::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        const QString tip = tooltip_at(he->pos());
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(he->globalPos(), tip, this);
        return true;
    }
    return QWidget::event(e);
}

void TimelineView::wheelEvent(QWheelEvent* e) {
    const int dy = e->angleDelta().y();
    if (e->modifiers() & Qt::ShiftModifier) {
        vbar_->setValue(vbar_->value() - dy / 40);
        return;
    }
    if (dy == 0)
        return;
    const double factor = std::pow(1.0015, dy);
    map_.zoom_about(std::max<double>(map_.left, e->position().x()), factor);
    has_range_ = true;
    set_follow_live(false);
    emit view_changed();
    update();
}

void TimelineView::mousePressEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton) {
        press_pos_ = e->position().toPoint();
        last_drag_ = press_pos_;
        dragging_ = true;
    }
}

void TimelineView::mouseMoveEvent(QMouseEvent* e) {
    if (!dragging_)
        return;
    const QPoint pos = e->position().toPoint();
    const QPoint d = pos - last_drag_;
    last_drag_ = pos;
    if ((pos - press_pos_).manhattanLength() < 4)
        return;
    setCursor(Qt::ClosedHandCursor);
    map_.pan_pixels(-d.x());
    if (d.y() != 0 && std::abs(d.y()) >= 1)
        vbar_->setValue(vbar_->value() - d.y() / kLaneHeight);
    set_follow_live(false);
    emit view_changed();
    update();
}

void TimelineView::mouseReleaseEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton)
        return;
    dragging_ = false;
    unsetCursor();
    const QPoint pos = e->position().toPoint();
    if ((pos - press_pos_).manhattanLength() >= 4)
        return;
    const int pi = poll_at(pos);
    if (pi >= 0) {
        const auto task = store_->polls()[std::size_t(pi)].task;
        set_selected_task(task);
        emit task_clicked(task, pi);
    } else if (const int l = lane_at_y(pos.y()); l >= 0 && mode_ == LaneMode::Tasks) {
        const auto task = lanes()[std::size_t(l)].key;
        set_selected_task(task);
        emit task_clicked(task, -1);
    }
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent*) {
    fit();
    emit view_changed();
}

} // namespace pollscope::app
