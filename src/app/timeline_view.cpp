#include "timeline_view.h"

#include "arrow_ink.h"
#include "label_space.h"
#include "step_axis.h"
#include "task_table_model.h"
#include "timeline_palette.h"
#include "trace_store.h"
#include "wake_ticks.h"

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
#include <cstdint>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

namespace pollscope::app {

namespace {

// Colours: outcome of a poll, waiting, wakes, markers (timeline_palette.h).
using palette::kFailed;
using palette::kPending;
using palette::kPendingDense;
using palette::kReady;
using palette::kRunning;
using palette::kWait;
using palette::kWake;
// The surfaces (lanes, grid, text) follow the palette: surfaces_.

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

/// Rectangle batches, one per colour.
enum Batch : int {
    kBPending,
    kBDense0, // merged polls, busy < 25% of the rectangle
    kBDense1, // < 50%
    kBDense2, // < 75%
    kBDense3, // >= 75%
    kBReady,
    kBFailed,
    kBRunning,
    kBatchCount
};

QColor batch_colour(int b) {
    switch (b) {
    case kBPending:
        return kPending;
    case kBDense0:
        return QColor(0xb4, 0xca, 0xec);
    case kBDense1:
        return QColor(0x86, 0xa9, 0xe0);
    case kBDense2:
        return QColor(0x59, 0x86, 0xcf);
    case kBDense3:
        return kPendingDense;
    case kBReady:
        return kReady;
    case kBFailed:
        return kFailed;
    default:
        return kRunning;
    }
}

/// The shade of merged polls that keep `fraction` of their rectangle busy.
int dense_batch(double fraction) {
    return kBDense0 + std::clamp(int(fraction * 4.0), 0, 3);
}

/// Galloping search: the first q in [from, n) with key(q) >= t (keys sorted),
/// touching O(log distance) entries near `from`.
template <class Key>
std::size_t gallop(std::size_t from, std::size_t n, std::int64_t t, const Key& key) {
    std::size_t lo = from, hi = from, step = 1;
    while (hi < n && key(hi) < t) {
        lo = hi + 1;
        hi = lo + step;
        step <<= 1;
    }
    hi = std::min(hi, n);
    while (lo < hi) {
        const std::size_t m = lo + (hi - lo) / 2;
        if (key(m) < t)
            lo = m + 1;
        else
            hi = m;
    }
    return lo;
}

/// Narrowest poll glyph (px): a poll shorter than this still shows, in its
/// outcome's colour; polls that start within kGroupPx of a glyph's left edge
/// merge into it (one pixel stays free between glyphs).
constexpr int kGlyphPx = 4;
constexpr int kGroupPx = kGlyphPx + 1;
/// A merged glyph's count and a waiting line's label need this much room.
constexpr int kCountLabelMinRoom = 10;
constexpr int kWaitLabelMinRoom = 60;
/// At most this many waiting labels are shaped per paint.
constexpr std::size_t kMaxLabelRequests = 600;
/// No poll (a glyph of the level of detail stands for polls of many buckets).
constexpr std::uint32_t kNoPoll = 0xffffffffu;

} // namespace

/// A label the lanes asked for, placed after the Mark labels (LabelSpace).
struct LabelRequest {
    enum Kind { Count, Waiting } kind;
    int lane; // relative to the first visible lane
    int x0, x1;
    std::uint32_t value; // Count: polls; Waiting: the Pending poll's index
};

/// One lane's rectangles: consecutive ones of the same colour that touch are
/// merged before they go into their colour's batch. Each glyph (a poll, or
/// polls merged into one) goes into the scene when it is recorded, and a
/// group's count and a Pending poll's waiting gap become label requests.
struct LaneRects {
    std::array<QVector<QRect>, kBatchCount>* out;
    int y, h;
    int min_x, max_x; // clamp (the visible columns and a little more)
    int lane = 0;
    TimelineScene* scene = nullptr; // record glyphs (tests)
    std::vector<LabelRequest>* labels = nullptr;
    int colour = -1, x0 = 0, x1 = 0;

    void add(int c, int a, int b) {
        a = std::max(a, min_x);
        b = std::min(b, max_x);
        if (b <= a)
            return;
        if (c == colour && a <= x1) {
            x1 = std::max(x1, b);
            return;
        }
        flush();
        colour = c;
        x0 = a;
        x1 = b;
    }
    /// A poll's glyph (or `polls` merged ones, the first `first_poll`);
    /// `room` pixels are free on its right before the lane's next glyph.
    void glyph(int c, int a, int b, std::uint32_t polls, std::uint32_t first_poll, int room) {
        add(c, a, b);
        if (scene && b > min_x && a < max_x)
            scene->glyphs.push_back(
                {lane, QRect(a, y, b - a, h), batch_colour(c), int(polls), first_poll});
        if (labels && polls > 1 && room >= kCountLabelMinRoom && b > min_x && a < max_x)
            labels->push_back({LabelRequest::Count, lane, b + 1, b + room, polls});
    }
    /// A task waits from x `a` to `b` after Pending poll `poll`.
    void waiting(int a, int b, std::uint32_t poll) {
        a = std::max(a, min_x);
        b = std::min(b, max_x);
        if (labels && b - a >= kWaitLabelMinRoom)
            labels->push_back({LabelRequest::Waiting, lane, a, b, poll});
    }
    void flush() {
        if (colour >= 0)
            (*out)[std::size_t(colour)].append(QRect(x0, y, x1 - x0, h));
        colour = -1;
    }
};

void TimelineView::paint_lane_lod(const Lane& lane, LaneRects& rects) const {
    const double npp = map_.ns_per_pixel();
    const int k = lane.lod.level_for(npp);
    const auto& lv = lane.lod.level(k);
    const std::int64_t t0 = map_.start, t1 = map_.end;
    // Buckets are sorted by start and (polls of a lane do not overlap) by end.
    auto it = std::lower_bound(lv.begin(), lv.end(), t0,
                               [](const LodBucket& b, std::int64_t t) { return b.last_end < t; });
    int col = std::numeric_limits<int>::min();
    LodBucket run;
    // The buckets starting within kGroupPx of `col` make one glyph.
    auto flush = [&](int next_col) {
        if (run.polls == 0)
            return;
        const int right = std::max(
            col + kGlyphPx, int(std::ceil(std::min(map_.to_x(run.last_end), double(rects.max_x)))));
        int c;
        if (run.polls == 1)
            c = run.failed ? kBFailed : run.ready ? kBReady : kBPending;
        else if (run.failed)
            c = kBFailed;
        else
            c = dense_batch(double(run.busy) / (double(right - col) * npp));
        rects.glyph(c, col, right, run.polls, kNoPoll, next_col - right - 1);
    };
    for (; it != lv.end() && it->first <= t1; ++it) {
        const int c = map_.to_column(it->first);
        if (c >= col + kGroupPx || col == std::numeric_limits<int>::min()) {
            flush(c);
            col = c;
            run = *it;
            continue;
        }
        run.last_end = std::max(run.last_end, it->last_end);
        run.busy += it->busy;
        run.polls += it->polls;
        run.ready = std::uint16_t(std::min(65535, run.ready + it->ready));
        run.failed = std::uint16_t(std::min(65535, run.failed + it->failed));
    }
    flush(it != lv.end() ? map_.to_column(it->first) : rects.max_x);
    // The level of detail holds closed polls: a running one is the lane's last.
    if (!lane.polls.empty()) {
        const PollBar& b = store_->polls()[lane.polls.back()];
        if (b.open() && b.start <= t1) {
            const int a = map_.to_column(b.start);
            rects.glyph(kBRunning, a, std::max(a + kGlyphPx, map_.to_column(store_->end_ts()) + 1),
                        1, lane.polls.back(), 0);
        }
    }
}

void TimelineView::paint_lane_polls(const Lane& lane, LaneRects& rects) const {
    const auto& polls = store_->polls();
    const auto& v = lane.polls;
    const std::int64_t t0 = map_.start, t1 = map_.end;
    const std::int64_t now = store_->end_ts();
    const double npp = map_.ns_per_pixel();
    const bool tasks = mode_ == LaneMode::Tasks;
    // First poll that ends at or after t0 (open polls end "now").
    auto it = std::lower_bound(v.begin(), v.end(), t0, [&](std::uint32_t i, std::int64_t t) {
        const auto& b = polls[i];
        return (b.open() ? now : b.end) < t;
    });
    const auto start_of = [&](std::size_t q) { return polls[v[q]].start; };
    const auto end_x = [&](const PollBar& b) {
        return std::min(map_.to_x(b.open() ? now : b.end), 1e9);
    };
    // Where the task's waiting line ends (it ended, or now: a live run's clock).
    const int lane_end =
        int(std::min(map_.to_x(lane.last >= 0 ? lane.last : std::max(now, live_now_)), 1e9));
    // Where the lane's next glyph starts (the right edge when none is in view).
    const auto next_x = [&](std::size_t q) {
        return q < v.size() && polls[v[q]].start <= t1
                   ? int(std::floor(std::max(map_.to_x(polls[v[q]].start), -1e9)))
                   : rects.max_x;
    };
    std::size_t i = std::size_t(it - v.begin());
    while (i < v.size()) {
        const PollBar& b = polls[v[i]];
        if (b.start > t1)
            break;
        const double xa = map_.to_x(b.start), xb = end_x(b);
        const int a = int(std::floor(std::max(xa, -1e9)));
        if (b.open()) {
            rects.glyph(kBRunning, a, std::max(a + kGlyphPx, int(std::ceil(xb))), 1, v[i], 0);
            ++i;
            continue;
        }
        // The polls starting within kGroupPx of this one merge with it,
        // unless it is long enough to show on its own.
        const std::size_t j = xb - xa >= kGlyphPx
                                  ? i + 1
                                  : gallop(i + 1, v.size(), map_.to_time(a + kGroupPx), start_of);
        const PollBar& lastb = polls[v[j - 1]];
        const int right = std::max(a + kGlyphPx, int(std::ceil(end_x(lastb))));
        int c = kBPending;
        if (j - i == 1) {
            if (b.outcome != trace::Outcome::Pending)
                c = b.outcome == trace::Outcome::Ready ? kBReady : kBFailed;
        } else if (j - i <= 64) {
            std::int64_t busy = 0;
            bool failed = false;
            for (std::size_t q = i; q < j; ++q) {
                const PollBar& x = polls[v[q]];
                busy += (x.open() ? now : x.end) - x.start;
                failed = failed || x.outcome == trace::Outcome::Failed;
            }
            // A task lane's Ready is its last poll: the group ends the task.
            if (failed)
                c = kBFailed;
            else if (tasks && lastb.outcome == trace::Outcome::Ready)
                c = kBReady;
            else if (j - i > 3)
                c = dense_batch(double(busy) / (double(right - a) * npp));
        } else {
            c = kBDense3;
        }
        const int next = next_x(j);
        rects.glyph(c, a, right, std::uint32_t(j - i), v[i], next - right - 1);
        if (tasks && !lastb.open() && lastb.outcome == trace::Outcome::Pending)
            rects.waiting(right + 2, std::min(next, lane_end) - 2, v[j - 1]);
        i = j;
    }
}

void TimelineView::paint_wakes(QPainter& p, int first, int last, TimelineScene* scene) const {
    // Wake arrows: from the waker's lane at the wake to the poll it caused.
    // Only wakes touching a visible lane count, one per lane and pixel
    // column. When there are too many for arrows, each pixel column with a
    // wake gets a short tick instead: in the woken task's lane (task lanes)
    // or the waking thread's lane (worker lanes).
    const auto& wakes = store_->wakes();
    const auto& polls = store_->polls();
    const std::int64_t t0 = map_.start, t1 = map_.end;
    auto wa = std::lower_bound(wakes.begin(), wakes.end(), t0,
                               [](const WakeRec& w, std::int64_t t) { return w.ts < t; });
    auto wb = std::upper_bound(wakes.begin(), wakes.end(), t1,
                               [](std::int64_t t, const WakeRec& w) { return t < w.ts; });
    const std::size_t lanes_n = std::size_t(std::max(0, last - first));
    WakeTicks ticks{int(lanes_n)};
    auto tick = [&](int lane, int x) { ticks.add(lane - first, lane_y(lane) + 1, x); };
    auto draw_ticks = [&] {
        const QVector<QRect> rects = ticks.rects();
        p.setPen(Qt::NoPen);
        p.setBrush(kWake);
        p.drawRects(rects);
        if (scene)
            scene->wake_ticks = rects;
    };
    if (wb - wa > kMaxArrowScan) {
        if (mode_ == LaneMode::Tasks) {
            // Each visible lane's own wakes, one per column (galloping past the rest).
            for (int l = first; l < last; ++l) {
                const auto& v = lanes()[std::size_t(l)].wakes;
                const auto key = [&](std::size_t q) { return v[q].ts; };
                std::size_t q = gallop(0, v.size(), t0, key);
                while (q < v.size() && v[q].ts <= t1) {
                    const int col = map_.to_column(v[q].ts);
                    tick(l, col);
                    q = gallop(q + 1, v.size(), map_.to_time(col + 1), key);
                }
            }
        } else if (wb - wa <= kMaxWakeScan) {
            std::vector<int> last_col(lanes_n, std::numeric_limits<int>::min());
            for (auto w = wa; w != wb; ++w) {
                const int lane = store_->thread_lane(w->thread);
                if (lane < first || lane >= last)
                    continue;
                const int col = map_.to_column(w->ts);
                if (std::exchange(last_col[std::size_t(lane - first)], col) != col)
                    tick(lane, col);
            }
        }
        draw_ticks();
        return;
    }
    struct Arrow {
        int from_lane, to_lane;
        double x1, x2;
        std::uint32_t wake;
    };
    std::vector<Arrow> arrows;
    std::vector<int> last_col(lanes_n, std::numeric_limits<int>::min());
    for (auto w = wa; w != wb; ++w) {
        int from_lane = mode_ == LaneMode::Tasks ? (w->waker ? lane_of_task(w->waker, 0) : -1)
                                                 : store_->thread_lane(w->thread);
        if (w->caused == trace::kNoIndex)
            continue; // caused no poll (the task ended first)
        const PollBar& target = polls[w->caused];
        const int to_lane = lane_of_task(target.task, target.thread);
        const bool vis_to = to_lane >= first && to_lane < last;
        if (!vis_to && (from_lane < first || from_lane >= last))
            continue;
        const int col = map_.to_column(w->ts);
        if (std::exchange(last_col[std::size_t((vis_to ? to_lane : from_lane) - first)], col) ==
            col)
            continue;
        arrows.push_back({from_lane, to_lane, map_.to_x(w->ts), map_.to_x(target.start),
                          std::uint32_t(w - wakes.begin())});
    }
    if (arrows.empty())
        return;
    // Lines that would hide the lanes they cross: ticks instead (ArrowInk).
    ArrowInk ink(QRect(map_.left, kRulerHeight, map_.width, height() - kRulerHeight));
    for (const auto& a : arrows) {
        if (a.from_lane == a.to_lane || a.from_lane < 0) // an arc in the lane's top band
            ink.add({a.x1, double(lane_y(a.to_lane))}, {a.x2, double(lane_y(a.to_lane))});
        else
            ink.add({a.x1, double(lane_y(a.from_lane))}, {a.x2, double(lane_y(a.to_lane))});
    }
    if (int(arrows.size()) > kMaxArrows || !ink.readable()) {
        for (const auto& a : arrows)
            tick((a.to_lane >= first && a.to_lane < last) ? a.to_lane : a.from_lane, int(a.x1));
        draw_ticks();
        return;
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(kWake, 1.2));
    p.setBrush(kWake);
    for (const auto& a : arrows) {
        const int from_lane = a.from_lane, to_lane = a.to_lane;
        const double x2 = a.x2;
        if (from_lane == to_lane || from_lane < 0) {
            // From itself or a plain thread: an arc inside the lane's top
            // band (never into the lane above or the ruler), at least
            // kGlyphPx + 2 wide when waker and poll share an instant.
            const double x1 = std::min(a.x1, x2 - (kGlyphPx + 2));
            const double top = lane_y(to_lane);
            QPainterPath path(QPointF(x1, top + 5));
            path.cubicTo(x1, top, x2, top, x2, top + 3);
            p.setBrush(Qt::NoBrush);
            p.drawPath(path);
            p.setBrush(kWake);
            const QPointF tip(x2, top + 5);
            const QPointF head[3] = {tip, tip + QPointF(-2.5, -3.5), tip + QPointF(2.5, -3.5)};
            p.drawPolygon(head, 3);
            if (scene)
                scene->arrows.push_back({a.wake, from_lane, to_lane, {x1, top + 5}, tip});
            continue;
        }
        const double x1 = a.x1;
        const double y2 = lane_y(to_lane) + (from_lane < to_lane ? 3 : kLaneHeight - 3);
        const double y1 = lane_y(from_lane) + (from_lane < to_lane ? kLaneHeight - 3 : 3);
        p.drawLine(QPointF(x1, y1), QPointF(x2, y2));
        const double ang = std::atan2(y2 - y1, x2 - x1);
        const QPointF tip(x2, y2);
        const QPointF head[3] = {tip,
                                 tip - QPointF(std::cos(ang - 0.45) * 6, std::sin(ang - 0.45) * 6),
                                 tip - QPointF(std::cos(ang + 0.45) * 6, std::sin(ang + 0.45) * 6)};
        p.drawPolygon(head, 3);
        if (scene)
            scene->arrows.push_back({a.wake, from_lane, to_lane, {x1, y1}, tip});
    }
    p.setRenderHint(QPainter::Antialiasing, false);
}

void TimelineView::paint_labels(QPainter& p, int first, std::vector<LabelRequest>& requests,
                                LabelSpace& space, TimelineScene* scene) const {
    // What each waiting line waits on, then the counts of merged glyphs, in
    // the lower row of their lanes wherever no earlier label is.
    if (requests.empty())
        return;
    std::stable_partition(requests.begin(), requests.end(),
                          [](const LabelRequest& r) { return r.kind == LabelRequest::Waiting; });
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.8);
    p.setFont(f);
    const QFontMetrics fm = p.fontMetrics();
    const TraceStore* real = axis_ ? real_ : store_;
    std::size_t shaped = 0;
    for (const LabelRequest& r : requests) {
        QString text;
        if (r.kind == LabelRequest::Waiting) {
            if (!real || ++shaped > kMaxLabelRequests)
                continue;
            const int rpi = real_poll(int(r.value));
            if (rpi < 0)
                continue;
            text = qs(real->waits_on_text(std::uint32_t(rpi)));
            if (text.isEmpty())
                continue;
            text = fm.elidedText(text, Qt::ElideRight, r.x1 - r.x0);
            if (text.size() <= 1) // elided to nothing but the ellipsis
                continue;
        } else {
            text = QStringLiteral("\u00d7%1").arg(r.value);
        }
        const int w = fm.horizontalAdvance(text) + 2;
        if (w > r.x1 - r.x0)
            continue;
        const int y = lane_y(r.lane);
        const QRect rect(r.x0, y + kLaneHeight / 2, w, kLaneHeight / 2);
        if (!space.claim(r.lane - first, LabelSpace::kLower, rect.left(), rect.right() + 1))
            continue;
        p.setPen(surfaces_.dim_text);
        p.drawText(rect, Qt::AlignLeft | Qt::AlignVCenter, text);
        if (scene)
            scene->labels.push_back({r.lane,
                                     r.kind == LabelRequest::Waiting
                                         ? TimelineScene::LabelKind::Waiting
                                         : TimelineScene::LabelKind::Count,
                                     rect, text});
    }
}

void TimelineView::paint_markers(QPainter& p, int first, int last, LabelSpace& space,
                                 TimelineScene* scene) const {
    // Markers of the visible lanes, at most one per lane, kind and 3 pixels;
    // antialiased (and Mark labels, where they fit) only when few are left.
    // Too many in view (spawns and yields of a long trace): the rare kinds
    // only (cancel, fail, shutdown, marks), which must never disappear.
    const std::int64_t t0 = map_.start, t1 = map_.end;
    auto in_view = [t0, t1](const std::vector<Marker>& ms) {
        return std::pair{
            std::lower_bound(ms.begin(), ms.end(), t0,
                             [](const Marker& m, std::int64_t t) { return m.ts < t; }),
            std::upper_bound(ms.begin(), ms.end(), t1,
                             [](std::int64_t t, const Marker& m) { return t < m.ts; })};
    };
    const std::vector<Marker>* source = &store_->markers();
    auto [ma, mb] = in_view(*source);
    if (mb - ma > kMaxMarkerScan) {
        source = &store_->rare_markers();
        std::tie(ma, mb) = in_view(*source);
        if (mb - ma > kMaxMarkerScan)
            mb = ma + kMaxMarkerScan;
    }
    struct Shown {
        const Marker* m;
        int lane;
        double x;
        int merged = 0; // Marks: how many more share its pixels (their texts join its label)
    };
    std::vector<Shown> shown;
    constexpr int kKinds = 6;
    const std::size_t lanes_n = std::size_t(std::max(0, last - first));
    // wide integers: x may lie far off screen, and the first gap must not overflow
    std::vector<std::int64_t> last_x(lanes_n * kKinds,
                                     std::numeric_limits<std::int64_t>::min() / 2);
    for (auto m = ma; m != mb; ++m) {
        int lane = lane_of_task(m->task, m->thread);
        if (lane < 0)
            lane = first; // a plain thread's shutdown: on top
        if (lane < first || lane >= last)
            continue;
        const double x = map_.to_x(m->ts);
        const auto ix = std::int64_t(std::clamp(x, -1e15, 1e15));
        auto& lx = last_x[std::size_t(lane - first) * kKinds + std::size_t(m->kind)];
        if (ix - lx < 3 && m->kind != MarkerKind::Shutdown) {
            if (m->kind == MarkerKind::Mark) // joins the label of the shown one
                for (auto k = shown.size(); k-- > 0;)
                    if (shown[k].lane == lane && shown[k].m->kind == MarkerKind::Mark) {
                        ++shown[k].merged;
                        break;
                    }
            continue;
        }
        lx = ix;
        shown.push_back({&*m, lane, x, 0});
    }
    if (shown.empty())
        return;
    const bool fine = int(shown.size()) <= kMaxFineMarkers;
    // Where the next shown marker of the same lane is (for Mark labels).
    std::vector<double> next_x(lanes_n, map_.left + map_.width);
    std::vector<double> room(shown.size(), 0), room_left(shown.size(), 0);
    for (std::size_t i = shown.size(); i-- > 0;) {
        auto& nx = next_x[std::size_t(shown[i].lane - first)];
        room[i] = nx - shown[i].x;
        nx = shown[i].x;
    }
    // ... and the previous one (a label that does not fit on the right, at
    // the end of a trace, goes on the left of its flag).
    std::vector<double> prev_x(lanes_n, map_.left);
    for (std::size_t i = 0; i < shown.size(); ++i) {
        auto& px = prev_x[std::size_t(shown[i].lane - first)];
        room_left[i] = shown[i].x - px;
        px = shown[i].x;
    }
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.8);
    p.setFont(f);
    p.setRenderHint(QPainter::Antialiasing, fine);
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const Marker* m = shown[i].m;
        const double x = shown[i].x;
        const int y = lane_y(shown[i].lane);
        switch (m->kind) {
        case MarkerKind::Spawn: {
            p.setPen(Qt::NoPen);
            p.setBrush(palette::kSpawn);
            // Left of the spawn, pointing at it: the first poll, often at
            // the same pixel at Fit, stays visible.
            const QPointF tri[3] = {{x - 7, double(y + 3)},
                                    {x - 1, double(y + kLaneHeight / 2)},
                                    {x - 7, double(y + kLaneHeight - 3)}};
            p.drawPolygon(tri, 3);
            break;
        }
        case MarkerKind::Cancel:
        case MarkerKind::Fail: {
            p.setPen(QPen(palette::kCancel, 2));
            const double c = y + kLaneHeight / 2.0;
            p.drawLine(QPointF(x - 4, c - 4), QPointF(x + 4, c + 4));
            p.drawLine(QPointF(x - 4, c + 4), QPointF(x + 4, c - 4));
            break;
        }
        case MarkerKind::Yield:
            p.setPen(QPen(palette::kYield, 1));
            p.setBrush(surfaces_.background);
            if (fine)
                p.drawEllipse(QPointF(x, y + 3.5), 2.5, 2.5);
            else
                p.drawRect(QRectF(x - 2, y + 1.5, 4, 4));
            break;
        case MarkerKind::Shutdown: {
            p.setPen(Qt::NoPen);
            p.setBrush(palette::kShutdown);
            const double c = y + kLaneHeight / 2.0;
            const QPointF d[4] = {{x, c - 6}, {x + 6, c}, {x, c + 6}, {x - 6, c}};
            p.drawPolygon(d, 4);
            break;
        }
        case MarkerKind::Mark: {
            // The flag and its staff stay above the poll bars (y + 4 ..), so
            // a poll at the same instant is not hidden behind it.
            p.setPen(QPen(palette::kMark, 1));
            p.drawLine(QPointF(x, y + 1), QPointF(x, y + 4));
            p.setBrush(palette::kMark);
            const QPointF flag[3] = {
                {x, double(y + 1)}, {x + 6, double(y + 4)}, {x, double(y + 7)}};
            p.drawPolygon(flag, 3);
            // Label where there is room: before the next marker of the
            // lane, else after the previous one (left of the flag).
            const double right = room[i] - 10, left = room_left[i] - 6;
            if (fine && std::max(right, left) >= kMinLabelWidth) {
                QString text = qs(store_->trace().string(m->text));
                if (shown[i].merged > 0) {
                    // Marks on the same pixels: "task_3 · all tasks done". The
                    // label shows at most kMaxLabelChars; the rest is counted
                    // (shaping a label of thousands of marks cost ~10 ms a frame).
                    const auto& all = *source;
                    int more = shown[i].merged;
                    for (std::size_t k = std::size_t(m - all.data()) + 1;
                         k < all.size() && more > 0 && text.size() < kMaxLabelChars; ++k)
                        if (all[k].kind == MarkerKind::Mark &&
                            lane_of_task(all[k].task, all[k].thread) == shown[i].lane) {
                            text += QStringLiteral(" · ") + qs(store_->trace().string(all[k].text));
                            --more;
                        }
                    if (more > 0)
                        text += tr(" · +%1 more").arg(more);
                }
                const double want = std::min(p.fontMetrics().horizontalAdvance(text) + 4.0, 220.0);
                p.setPen(surfaces_.mark_text);
                // On the right of the flag if it fits there (or has more
                // room), else on its left; only where no other label is.
                const int lane = shown[i].lane;
                auto place = [&](double lx, double w, Qt::Alignment align) {
                    const QRect r(int(std::floor(lx)), y, int(std::ceil(w)), kLaneHeight / 2);
                    if (!space.claim(lane - first, LabelSpace::kUpper, r.left(), r.right() + 1))
                        return false;
                    const QString shown_text =
                        p.fontMetrics().elidedText(text, Qt::ElideRight, int(w));
                    p.drawText(QRectF(lx, y, w, kLaneHeight / 2.0), align | Qt::AlignVCenter,
                               shown_text);
                    if (scene)
                        scene->labels.push_back(
                            {lane, TimelineScene::LabelKind::Mark, r, shown_text});
                    return true;
                };
                const bool fits_right = right >= std::min(want, kMinLabelWidth);
                const bool fits_left = left >= std::min(want, kMinLabelWidth);
                if (!(fits_right && (right >= want || right >= left) &&
                      place(x + 8, std::min(right, want), Qt::AlignLeft)) &&
                    fits_left)
                    place(x - 3 - std::min(left, want), std::min(left, want), Qt::AlignRight);
            }
            break;
        }
        }
    }
    p.setRenderHint(QPainter::Antialiasing, false);
}

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
    stop_resource_lanes();
    store_ = store;
    has_range_ = false;
    store_changed();
}

void TimelineView::set_step_axis(const TraceStore* steps, const trace::StepAxis* axis,
                                 const TraceStore* real) {
    const bool changed = (axis != nullptr) != (axis_ != nullptr);
    if ((axis ? steps : real) != store_)
        stop_resource_lanes();
    axis_ = axis;
    real_ = axis ? real : nullptr;
    store_ = axis ? steps : real;
    if (changed)
        has_range_ = false; // the two axes' ranges mean different things
    store_changed();
}

std::int64_t TimelineView::real_time(std::int64_t t) const {
    return axis_ ? axis_->real_time(t) : t;
}

int TimelineView::real_poll(int pi) const {
    if (!axis_ || pi < 0 || !real_)
        return pi;
    // The same poll in the real model: the task's poll with that number.
    const auto& b = store_->polls()[std::size_t(pi)];
    const int li = real_->task_lane(b.task);
    if (li < 0)
        return -1;
    const auto& v = real_->task_lanes()[std::size_t(li)].polls;
    const auto& polls = real_->polls();
    // Polls by start: their numbers in order.
    const auto it =
        std::lower_bound(v.begin(), v.end(), b.number,
                         [&](std::uint32_t i, std::uint32_t n) { return polls[i].number < n; });
    return it != v.end() && polls[*it].number == b.number ? int(*it) : -1;
}

void TimelineView::paint_breaks(QPainter& p, int top, int bottom) const {
    // Steps mode: each idle stretch is a narrow band, labelled in the ruler.
    if (!axis_)
        return;
    for (const auto& b : axis_->breaks()) {
        if (b.end < map_.start || b.start > map_.end)
            continue;
        const int xa = int(std::floor(map_.to_x(b.start)));
        const int xb = std::max(xa + 1, int(std::ceil(map_.to_x(b.end))));
        // Hatched with lines, not a pattern brush: Qt fills a tall pattern
        // rectangle on its own thread pool, which ThreadSanitizer cannot see.
        QVector<QLine> hatch;
        constexpr int kSpacing = 6;
        for (int y = top - (xb - xa); y < bottom; y += kSpacing)
            hatch.append(QLine(xa, y + (xb - xa), xb, y));
        p.save();
        p.setClipRect(QRect(xa, top, xb - xa, bottom - top), Qt::IntersectClip);
        p.setPen(QPen(surfaces_.hatch, 1));
        p.drawLines(hatch);
        p.restore();
    }
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
        const int l = lane_of_task(task, 0);
        if (l >= 0 && (l < vbar_->value() || l >= vbar_->value() + visible_lanes()))
            vbar_->setValue(std::max(0, l - visible_lanes() / 2));
    }
    update();
}

void TimelineView::set_live_now(std::int64_t now) {
    if (live_now_ == now)
        return;
    live_now_ = now;
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

LaneList TimelineView::lanes() const {
    return rows_.lanes(store_, mode_ == LaneMode::Tasks);
}

void TimelineView::set_group_by_parent(bool on) {
    if (rows_.grouped() == on)
        return;
    rows_.set_grouped(on);
    set_selected_task(selected_); // keeps the selected lane in view
}

std::uint32_t TimelineView::task_in_row(int row) const {
    const auto ls = lanes();
    if (mode_ != LaneMode::Tasks || row < 0 || std::size_t(row) >= ls.size())
        return 0;
    return ls[std::size_t(row)].key;
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
    return mode_ == LaneMode::Tasks ? lanes().row_of(store_->task_lane(task))
                                    : store_->thread_lane(thread);
}

void TimelineView::update_geometry() {
    const int w = vbar_->sizeHint().width();
    vbar_->setGeometry(width() - w, kRulerHeight, w, height() - kRulerHeight);
    const int hidden = std::max(0, lane_count() + resource_rows() - visible_lanes());
    vbar_->setRange(0, hidden);
    vbar_->setPageStep(visible_lanes());
    vbar_->setVisible(hidden > 0);
    map_.left = kLabelWidth;
    map_.width = std::max(1, width() - kLabelWidth - (vbar_->isVisible() ? w : 0) - 8);
}

void TimelineView::store_changed() {
    rows_.invalidate();
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

std::vector<TimelineView::Tick> TimelineView::ticks() const {
    std::vector<Tick> out;
    const std::int64_t origin = store_ ? store_->start_ts() : 0;
    if (axis_) {
        // Steps: a tick every 1, 2, 5 x 10^k steps, labelled with its real
        // (or virtual) time.
        const double px_per_step = double(trace::StepAxis::kStep) / map_.ns_per_pixel();
        const std::int64_t every = std::max<std::int64_t>(1, nice_step(90.0 / px_per_step));
        const std::int64_t real0 = real_time(origin);
        const std::int64_t s0 =
            std::max<std::int64_t>(0, axis_->step_at(map_.start) / every * every);
        for (std::int64_t k = s0; k * trace::StepAxis::kStep <= map_.end; k += every) {
            const std::int64_t t = k * trace::StepAxis::kStep;
            const int x = int(std::lround(map_.to_x(t)));
            if (x >= map_.left)
                out.push_back({x, real_time(t) - real0});
        }
        return out;
    }
    // Real time: 1, 2, 5 x 10^k ns, at multiples of the step from the trace's start.
    const auto step = nice_step(map_.ns_per_pixel() * 110);
    const std::int64_t rel0 = map_.start - origin;
    std::int64_t t =
        origin + (rel0 >= 0 ? (rel0 / step) * step : -((-rel0 + step - 1) / step) * step);
    for (; t <= map_.end; t += step) {
        const int x = int(std::lround(map_.to_x(t)));
        if (x >= map_.left)
            out.push_back({x, t - origin});
    }
    return out;
}

void TimelineView::paint_ruler(QPainter& p, const QRect& area) const {
    p.fillRect(area, surfaces_.ruler);
    p.setPen(surfaces_.line);
    p.drawLine(area.bottomLeft(), area.bottomRight());
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    int label_end = map_.left; // right edge of the last label drawn
    if (axis_) {
        // Steps: each break is labelled with the time it stands for, above
        // the ticks' labels.
        for (const auto& b : axis_->breaks()) {
            if (b.end < map_.start || b.start > map_.end)
                continue;
            const QString text =
                QStringLiteral("… %1 …").arg(TaskTableModel::format_ns(b.real_gap));
            const int xa = int(map_.to_x(b.start)), xb = int(map_.to_x(b.end));
            const int tw = p.fontMetrics().horizontalAdvance(text);
            const int lx = (xa + xb) / 2 - tw / 2;
            if (lx < label_end + 4 || lx < map_.left)
                continue;
            p.setPen(surfaces_.dim_text);
            p.drawText(lx, area.top() + 1, tw + 2, area.height() / 2, Qt::AlignCenter, text);
            label_end = lx + tw;
        }
        label_end = map_.left;
    }
    // Labels in the lower half on the steps axis (breaks above), else centred.
    const int label_top = axis_ ? area.top() + area.height() / 2 : area.top() + 2;
    const int label_h = axis_ ? area.height() / 2 - 2 : area.height() - 6;
    for (const Tick& tick : ticks()) {
        p.setPen(surfaces_.tick);
        p.drawLine(tick.x, area.bottom() - 5, tick.x, area.bottom());
        const QString text = TaskTableModel::format_ns(tick.label_ns);
        const int tw = p.fontMetrics().horizontalAdvance(text);
        // A label that would run off the right edge ends at its tick
        // instead (or is left out when that overlaps the previous one).
        int lx = tick.x + 3;
        if (lx + tw > area.right() - 2)
            lx = tick.x - 3 - tw;
        if (lx < label_end + 6)
            continue;
        p.setPen(surfaces_.text);
        p.drawText(lx, label_top, tw + 2, label_h, Qt::AlignLeft | Qt::AlignVCenter, text);
        label_end = lx + tw;
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
    surfaces_ = palette::surfaces(palette());
    const int W = width() - (vbar_->isVisible() ? vbar_->width() : 0);
    const int H = height();
    p.fillRect(0, 0, width(), H, surfaces_.background);
    last_rects_ = 0;
    TimelineScene* scene = record_scene_ ? &scene_ : nullptr;
    scene_.clear();

    const auto& ls = lanes();
    const int first = first_lane();
    const int last = std::min<int>(int(ls.size()), first + visible_lanes() + 1);
    const std::int64_t t0 = map_.start, t1 = map_.end;
    // While a run is live, "now" is the clock, not the last event: a task
    // waiting for a timer shows its thin line reaching the present.
    const std::int64_t now = store_ ? std::max(store_->end_ts(), live_now_) : 0;
    const int x_left = map_.left, x_right = map_.left + map_.width;

    // Lane backgrounds and vertical grid (a selected resource's tasks as selected).
    const bool by_resource = mode_ == LaneMode::Tasks && selected_resource() >= 0;
    for (int l = first; l < last; ++l) {
        const int y = lane_y(l);
        const std::uint32_t key = ls[std::size_t(l)].key;
        const bool sel = mode_ == LaneMode::Tasks && ((key == selected_ && selected_ != 0) ||
                                                      (by_resource && !task_dimmed(key)));
        if (sel)
            p.fillRect(0, y, W, kLaneHeight, surfaces_.lane_selected);
        else if (l % 2)
            p.fillRect(0, y, W, kLaneHeight, surfaces_.lane_alt);
    }
    p.setPen(surfaces_.grid); // at the ruler's ticks
    for (const Tick& tick : ticks())
        p.drawLine(tick.x, kRulerHeight, tick.x, H);

    p.setClipRect(QRect(x_left, kRulerHeight, x_right - x_left + 1, H - kRulerHeight));
    paint_breaks(p, kRulerHeight, H);
    if (store_) {
        // Rectangles batched by colour (see Batch), adjacent ones of a lane
        // with the same colour merged into one.
        std::array<QVector<QRect>, kBatchCount> batch;
        QVector<QLine> waits;
        std::vector<LabelRequest> label_requests;
        for (int l = first; l < last; ++l) {
            const Lane& lane = ls[std::size_t(l)];
            const int y = lane_y(l);
            const int mid = y + kLaneHeight / 2;
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
            LaneRects rects{&batch,      y + 4, kLaneHeight - 8, x_left - 4,
                            x_right + 4, l,     scene,           &label_requests};
            if (lane.lod.level_for(map_.ns_per_pixel()) >= 0)
                paint_lane_lod(lane, rects);
            else
                paint_lane_polls(lane, rects);
            rects.flush();
        }
        p.setPen(QPen(kWait, 1));
        p.drawLines(waits);
        p.setPen(Qt::NoPen);
        for (std::size_t c = 0; c < batch.size(); ++c) {
            if (batch[c].isEmpty())
                continue;
            p.setBrush(batch_colour(int(c)));
            p.drawRects(batch[c]);
            last_rects_ += int(batch[c].size());
        }
        paint_wakes(p, first, last, scene);
        paint_resource_wakes(p, scene);
        LabelSpace space;
        space.reset(last - first);
        paint_markers(p, first, last, space, scene);
        paint_labels(p, first, label_requests, space, scene);
        paint_resource_lanes(p, scene);
        // The task a stepped run is about to poll.
        if (waiting_ != 0) {
            const int lane = mode_ == LaneMode::Tasks ? lane_of_task(waiting_, 0) : -1;
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
    p.fillRect(0, kRulerHeight, kLabelWidth - 4, H - kRulerHeight, surfaces_.labels);
    p.setPen(surfaces_.line);
    p.drawLine(kLabelWidth - 4, kRulerHeight, kLabelWidth - 4, H);
    for (int l = first; l < last; ++l) {
        const Lane& lane = ls[std::size_t(l)];
        const int y = lane_y(l);
        const bool sel = mode_ == LaneMode::Tasks && lane.key == selected_ && selected_ != 0;
        if (sel)
            p.fillRect(0, y, kLabelWidth - 4, kLaneHeight, surfaces_.lane_selected);
        QFont f = font();
        f.setBold(sel);
        p.setFont(f);
        p.setPen(surfaces_.text);
        const int indent = paint_lane_nesting(p, ls, l, y, kLaneHeight, surfaces_.dim_text);
        p.drawText(QRect(8 + indent, y, kLabelWidth - 16 - indent, kLaneHeight),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   lane_label(p.fontMetrics(), lane.key, kLabelWidth - 16 - indent));
    }
    paint_resource_labels(p);
    if (mode_ == LaneMode::Tasks)
        paint_resource_selection(p, first, last, scene);
    if (ls.empty()) {
        p.setPen(surfaces_.dim_text);
        p.drawText(rect().adjusted(kLabelWidth, kRulerHeight, 0, 0), Qt::AlignCenter,
                   tr("Nothing recorded yet.\nPress Run (Space) to start the example, or open a "
                      "trace (Ctrl+O)."));
    }
    QFont f = font();
    p.setFont(f);
    paint_ruler(p, QRect(0, 0, width(), kRulerHeight));
    p.setPen(surfaces_.text);
    p.drawText(QRect(8, 0, kLabelWidth - 12, kRulerHeight), Qt::AlignLeft | Qt::AlignVCenter,
               mode_ == LaneMode::Tasks ? tr("Tasks") : tr("Workers"));
    // Which axis the ruler is: its labels are times on both (a step's real time).
    const QString axis = axis_ ? tr("steps") : tr("real time");
    p.setPen(surfaces_.dim_text);
    p.drawText(QRect(8, 0, kLabelWidth - 12, kRulerHeight), Qt::AlignRight | Qt::AlignVCenter,
               axis);
    if (scene)
        scene->axis = axis;
    paint_cursor(p, H);
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

QString TimelineView::lane_label(const QFontMetrics& fm, std::uint32_t key, int width) const {
    if (mode_ == LaneMode::Workers)
        return fm.elidedText(store_->thread_label(std::uint16_t(key)), Qt::ElideRight, width);
    // "name  #id": the id always shows; a long name loses its middle
    // ("run_local_s…spawn  #3"), its ends tell tasks apart. Full name: tooltip.
    const QString id = QStringLiteral("  #%1").arg(key);
    const int room = width - fm.horizontalAdvance(id);
    return fm.elidedText(store_->task_label(key), Qt::ElideMiddle, std::max(room, 20)) + id;
}

QString TimelineView::tooltip_at(QPoint pos) const {
    if (QString tip = resource_tooltip_at(pos); !tip.isEmpty())
        return tip;
    if (store_ && pos.x() < kLabelWidth - 4) {
        // The lane's label column: its full name.
        const int l = lane_at_y(pos.y());
        if (l < 0)
            return {};
        const auto key = lanes()[std::size_t(l)].key;
        return mode_ == LaneMode::Tasks
                   ? tr("<b>%1</b> #%2").arg(store_->task_label(key).toHtmlEscaped()).arg(key)
                   : tr("<b>%1</b>").arg(store_->thread_label(std::uint16_t(key)).toHtmlEscaped());
    }
    const int pi = poll_at(pos);
    if (pi < 0)
        return {};
    // In steps mode the same poll of the real model tells the times.
    const TraceStore* real = axis_ ? real_ : store_;
    const int rpi = real_poll(pi);
    if (!real || rpi < 0)
        return {};
    const auto& b = real->polls()[std::size_t(rpi)];
    const auto& t = real->trace();
    QString outcome = b.open() ? tr("running") : qs(trace::outcome_name(b.outcome));
    const QString site = b.site ? qs(t.short_location_text(b.site)) : tr("—");
    QString woken = tr("— (first poll)");
    if (const WakeRec* w = real->cause_of(std::uint32_t(rpi))) {
        woken = w->source == WakeSource::Timer
                    ? tr("the timer (on %1)").arg(real->thread_label(w->thread))
                : w->waker ? real->task_label(w->waker)
                           : real->thread_label(w->thread);
        woken += tr(", %1 before").arg(TaskTableModel::format_ns(b.start - w->ts));
    }
    const auto dur = (b.open() ? real->end_ts() : b.end) - b.start;
    QString tip = tr("<b>%1</b> #%2<br>poll %3: <b>%4</b><br>duration %5<br>at %6<br>"
                     "on %7<br>woken by %8")
                      .arg(store_->task_label(b.task).toHtmlEscaped())
                      .arg(b.task)
                      .arg(b.number)
                      .arg(outcome, TaskTableModel::format_ns(dur), site.toHtmlEscaped(),
                           store_->thread_label(b.thread).toHtmlEscaped(), woken.toHtmlEscaped());
    // What a Pending poll left the task waiting on (its innermost future's resource).
    if (const auto waits = real->waits_on_text(std::uint32_t(rpi)); !waits.empty())
        tip += tr("<br>waits on <b>%1</b>").arg(qs(waits).toHtmlEscaped());
    return tip;
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
    if (e->button() == Qt::LeftButton && scrub_press(e->position().toPoint()))
        return;
    if (e->button() == Qt::LeftButton) {
        press_pos_ = e->position().toPoint();
        last_drag_ = press_pos_;
        dragging_ = true;
    }
}

void TimelineView::mouseMoveEvent(QMouseEvent* e) {
    if (scrub_move(e->position().toPoint()) || !dragging_)
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
    if (scrubbing_) {
        scrubbing_ = false;
        return;
    }
    dragging_ = false;
    unsetCursor();
    const QPoint pos = e->position().toPoint();
    if ((pos - press_pos_).manhattanLength() >= 4 || resource_click(pos))
        return;
    const int pi = poll_at(pos);
    if (pi >= 0) {
        const auto task = store_->polls()[std::size_t(pi)].task;
        set_selected_task(task);
        emit task_clicked(task, real_poll(pi));
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
