#pragma once
// DurationHistogram: one distribution of durations drawn as tokio-console's
// task view graphs it: a bar per log2 bucket (each twice as wide in time as
// the one before, so microseconds and seconds fit on one axis), the bucket
// edges written under the bars, the count above each bar, and the p50, p90
// and p99 marked as lines with their values. Hover a bar for its range and
// count.

#include "task_details.h"

#include <QColor>
#include <QString>
#include <QWidget>

#include <vector>

namespace pollscope::app {

class DurationHistogram : public QWidget {
    Q_OBJECT
public:
    explicit DurationHistogram(QWidget* parent = nullptr);

    /// Shows `d`; `unit` names its samples in tooltips ("polls", "delays").
    void set_summary(const trace::DurationSummary& d, const QString& unit);
    void set_colour(const QColor& c);
    /// What is drawn: the buckets of the summary shown (trimmed, see
    /// trace::histogram_buckets), and the summary.
    const std::vector<trace::HistogramBucket>& buckets() const noexcept { return buckets_; }
    const trace::DurationSummary& summary() const noexcept { return summary_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    /// Where the bars are drawn.
    QRectF plot_rect() const;
    /// The x of a duration on the log axis.
    double x_of(std::int64_t ns) const;
    /// The bucket under x, or -1.
    int bucket_at(double x) const;

    trace::DurationSummary summary_;
    std::vector<trace::HistogramBucket> buckets_;
    QString unit_ = QStringLiteral("samples");
    QColor colour_;
};

} // namespace pollscope::app
