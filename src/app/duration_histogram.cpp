#include "duration_histogram.h"

#include "task_table_model.h"
#include "timeline_palette.h"

#include <QEvent>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <bit>
#include <cmath>

namespace pollscope::app {

namespace {
/// A duration as every table of the window writes it.
QString text(std::int64_t ns) {
    return TaskTableModel::format_ns(ns);
}
/// The log2 index of a bucket (its low end: 0 for the first).
int index_of(const trace::HistogramBucket& b) {
    return b.lo <= 1 ? 0 : int(std::bit_width(std::uint64_t(b.lo)) - 1);
}
constexpr int kPercentileRows = 3; // p50, p90 and p99 labels never overlap
} // namespace

DurationHistogram::DurationHistogram(QWidget* parent)
    : QWidget(parent)
    , colour_(palette::kRunning) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void DurationHistogram::set_summary(const trace::DurationSummary& d, const QString& unit) {
    summary_ = d;
    buckets_ = trace::histogram_buckets(d);
    unit_ = unit;
    update();
}

void DurationHistogram::set_colour(const QColor& c) {
    colour_ = c;
    update();
}

QSize DurationHistogram::sizeHint() const {
    return {440, fontMetrics().height() * 13};
}

QSize DurationHistogram::minimumSizeHint() const {
    return {260, fontMetrics().height() * 9};
}

QRectF DurationHistogram::plot_rect() const {
    const int fh = fontMetrics().height();
    const int side = fontMetrics().horizontalAdvance(QStringLiteral("999.9 ms")) / 2 + 2;
    return QRectF(side, kPercentileRows * fh + 4, width() - 2 * side,
                  height() - (kPercentileRows * fh + 4) - fh - 6);
}

double DurationHistogram::x_of(std::int64_t ns) const {
    const QRectF r = plot_rect();
    if (buckets_.empty())
        return r.left();
    const double bw = r.width() / double(buckets_.size());
    const double pos = std::log2(double(std::max<std::int64_t>(ns, 1))) - index_of(buckets_[0]);
    return std::clamp(r.left() + pos * bw, r.left(), r.right());
}

int DurationHistogram::bucket_at(double x) const {
    const QRectF r = plot_rect();
    if (buckets_.empty() || x < r.left() || x >= r.right())
        return -1;
    return std::min(int(buckets_.size()) - 1,
                    int((x - r.left()) / (r.width() / double(buckets_.size()))));
}

void DurationHistogram::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const auto s = palette::surfaces(palette());
    p.fillRect(rect(), s.background);
    const QFontMetrics fm = fontMetrics();
    const int fh = fm.height();
    if (buckets_.empty()) {
        p.setPen(s.dim_text);
        p.drawText(rect(), Qt::AlignCenter, tr("no %1 yet").arg(unit_));
        return;
    }
    const QRectF r = plot_rect();
    const double bw = r.width() / double(buckets_.size());
    std::uint32_t most = 1;
    for (const auto& b : buckets_)
        most = std::max(most, b.count);
    // Bars, with room above the tallest for its count.
    const double scale = (r.height() - fh) / double(most);
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        const auto& b = buckets_[i];
        const double x = r.left() + double(i) * bw;
        if (b.count == 0)
            continue;
        const double h = std::max(2.0, double(b.count) * scale);
        const QRectF bar(x + 1, r.bottom() - h, std::max(1.0, bw - 2), h);
        p.fillRect(bar, colour_);
        const QString n = QString::number(b.count);
        if (fm.horizontalAdvance(n) <= bw + 4) {
            p.setPen(s.text);
            p.drawText(QRectF(x - 2, bar.top() - fh, bw + 4, fh), Qt::AlignCenter, n);
        }
    }
    // The axis: the baseline and the bucket edges that fit without overlapping.
    p.setPen(s.line);
    p.drawLine(QPointF(r.left(), r.bottom()), QPointF(r.right(), r.bottom()));
    double free_from = -1e9;
    for (std::size_t i = 0; i <= buckets_.size(); ++i) {
        const double x = r.left() + double(i) * bw;
        const std::int64_t edge = i < buckets_.size() ? buckets_[i].lo : buckets_.back().hi;
        const QString label = text(edge);
        const double w = fm.horizontalAdvance(label);
        p.setPen(s.tick);
        p.drawLine(QPointF(x, r.bottom()), QPointF(x, r.bottom() + 3));
        if (x - w / 2 < free_from)
            continue;
        p.setPen(s.dim_text);
        p.drawText(QRectF(x - w / 2, r.bottom() + 3, w, fh), Qt::AlignCenter, label);
        free_from = x + w / 2 + fm.horizontalAdvance(QLatin1Char(' '));
    }
    // p50, p90, p99: a dashed line each, its label in the first row where it fits.
    const struct {
        const char* name;
        std::int64_t value;
    } marks[] = {{"p50", summary_.p50}, {"p90", summary_.p90}, {"p99", summary_.p99}};
    double row_free[kPercentileRows];
    std::fill(std::begin(row_free), std::end(row_free), -1e9);
    QPen dashed(s.text, 1.2, Qt::DashLine);
    for (const auto& m : marks) {
        const double x = x_of(m.value);
        const QString label = QStringLiteral("%1 %2").arg(QLatin1String(m.name), text(m.value));
        const double w = fm.horizontalAdvance(label) + 6;
        const double left = std::clamp(x - w / 2, 0.0, double(width()) - w);
        int row = 0;
        while (row + 1 < kPercentileRows && left < row_free[row])
            ++row;
        row_free[row] = left + w;
        const double y = 2 + row * fh;
        p.setPen(dashed);
        p.drawLine(QPointF(x, y + fh), QPointF(x, r.bottom()));
        p.setPen(s.text);
        p.drawText(QRectF(left, y, w, fh), Qt::AlignCenter, label);
    }
}

bool DurationHistogram::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(e);
        const int i = bucket_at(help->pos().x());
        if (i < 0) {
            QToolTip::hideText();
            e->ignore();
            return true;
        }
        const auto& b = buckets_[std::size_t(i)];
        QToolTip::showText(
            help->globalPos(),
            tr("%1 %2 between %3 and %4").arg(b.count).arg(unit_, text(b.lo), text(b.hi)), this);
        return true;
    }
    return QWidget::event(e);
}

} // namespace pollscope::app
