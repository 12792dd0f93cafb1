#include "queues_panel.h"

#include "duration_text.h"
#include "narration.h"
#include "trace_store.h"

#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace pollscope::app {

namespace {

constexpr int kBoxW = 104;
constexpr int kBoxH = 22;
constexpr int kGap = 4;
constexpr int kRowH = 30;
constexpr int kLabelW = 128;
constexpr int kMaxBoxes = 40; // per row; the rest is "+N more"
constexpr int kMaxTimers = 8;
constexpr int kLivePeriodMs = 200;

const QColor kQueued(0xdb, 0xe9, 0xf7);
const QColor kPolling(0xc8, 0xec, 0xc8);
const QColor kMoved(0xe6, 0x7e, 0x22);
const QColor kMovedAlong(0xf5, 0xc1, 0x8f);

QString where_text(trace::QueuePlace p, int worker) {
    using trace::QueuePlace;
    switch (p) {
    case QueuePlace::LifoSlot:
        return QObject::tr("worker %1's LIFO slot").arg(worker);
    case QueuePlace::RunQueue:
        return QObject::tr("worker %1's run queue").arg(worker);
    case QueuePlace::Injection:
        return QObject::tr("the injection queue");
    case QueuePlace::TaskChannel:
        return QObject::tr("the task channel");
    case QueuePlace::LocalSet:
        return QObject::tr("the LocalSet's queue");
    case QueuePlace::Stolen:
        return QObject::tr("worker %1's run queue by a steal").arg(worker);
    default:
        return {};
    }
}

} // namespace

/// The drawing: one row per queue, sized to its longest row.
class QueuesPanel::Canvas : public QWidget {
public:
    Canvas(const QueuesPanel& panel, QWidget* parent)
        : QWidget(parent)
        , p_(panel) {}

    void relayout() {
        const auto& s = p_.snapshot();
        int boxes = 4;
        for (const auto& w : s.workers)
            boxes = std::max(boxes, 2 + int(w.run_queue.size()));
        boxes = std::max(boxes, int(s.injection.size()));
        boxes = std::max(boxes, int(s.task_channel.size()) + 1);
        boxes = std::max(boxes, int(s.local_set.size()));
        boxes = std::min(boxes, kMaxBoxes + 3);
        const int w = kLabelW + boxes * (kBoxW + kGap) + 2 * kGap;
        setMinimumSize(w, rows() * kRowH + kRowH + kGap);
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter g(this);
        g.fillRect(rect(), palette().base());
        const auto& s = p_.snapshot();
        const QFontMetrics fm(font());
        const int x0 = kLabelW;
        const int col_poll = x0, col_lifo = x0 + kBoxW + kGap,
                  col_run = x0 + 2 * (kBoxW + kGap) + kGap;
        int y = kGap;
        g.setPen(palette().color(QPalette::PlaceholderText));
        g.drawText(QRect(col_poll, y, kBoxW, kBoxH), Qt::AlignCenter, tr("polls now"));
        g.drawText(QRect(col_lifo, y, kBoxW, kBoxH), Qt::AlignCenter, tr("LIFO slot"));
        g.drawText(QRect(col_run, y, 4 * kBoxW, kBoxH), Qt::AlignLeft | Qt::AlignVCenter,
                   tr("run queue: next first →"));
        y += kRowH;
        // Tasks a steal just put at the back of the stealer's run queue.
        const bool steal = s.last.task != 0 && s.last.kind == trace::EventKind::Steal;
        for (const auto& w : s.workers) {
            label(g, y, tr("worker %1").arg(w.worker));
            // The task a steal just took is polled next by the stealer.
            if (w.polling == 0 && steal && s.last.to_worker == w.worker)
                box(g, col_poll, y, s.last.task, kQueued, tr("next: "));
            else
                box(g, col_poll, y, w.polling, kPolling);
            box(g, col_lifo, y, w.lifo, kQueued);
            const std::size_t along_from =
                steal && s.last.to_worker == w.worker && s.last.count > 1
                    ? w.run_queue.size() -
                          std::min<std::size_t>(w.run_queue.size(), s.last.count - 1)
                    : w.run_queue.size();
            row(g, col_run, y, w.run_queue, along_from);
            y += kRowH;
        }
        label(g, y, tr("injection queue"));
        row(g, col_poll, y, s.injection, s.injection.size());
        y += kRowH;
        if (has_channel()) {
            label(g, y, tr("task channel"));
            int x = col_poll;
            for (const auto& [thread, task] : s.other_polling) {
                box(g, x, y, task, kPolling, p_.store_.thread_label(thread) + QStringLiteral(": "));
                x += kBoxW + kGap;
            }
            row(g, x + kGap, y, s.task_channel, s.task_channel.size());
            y += kRowH;
        }
        if (has_local_set()) {
            label(g, y, tr("LocalSet"));
            row(g, col_poll, y, s.local_set, s.local_set.size());
            y += kRowH;
        }
        label(g, y, tr("timer deadlines"));
        QString timers;
        for (std::size_t i = 0; i < s.timers.size() && i < std::size_t(kMaxTimers); ++i)
            timers += (i ? QStringLiteral(" · ") : QString()) +
                      tr("%1 at %2")
                          .arg(p_.store_.task_title(s.timers[i].task),
                               QString::fromStdString(trace::duration_text(s.timers[i].deadline -
                                                                           p_.store_.start_ts())));
        if (s.timers.size() > std::size_t(kMaxTimers))
            timers += tr(" · +%1 more").arg(s.timers.size() - std::size_t(kMaxTimers));
        if (timers.isEmpty())
            timers = tr("none");
        g.setPen(palette().color(QPalette::Text));
        g.drawText(QRect(col_poll, y, width() - col_poll, kBoxH), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(timers, Qt::ElideRight, width() - col_poll - kGap));
        y += kRowH;
        // The key, for whoever opens the panel for the first time.
        const QRect key(kGap, y, kBoxW / 2, kBoxH / 2 + 2);
        g.setBrush(kQueued);
        g.setPen(QPen(kMoved, 3));
        g.drawRoundedRect(key.adjusted(1, 1, -2, -2), 3, 3);
        g.setPen(QPen(kMovedAlong, 3));
        g.drawRoundedRect(key.translated(key.width() + kGap, 0).adjusted(1, 1, -2, -2), 3, 3);
        g.setPen(palette().color(QPalette::PlaceholderText));
        g.drawText(QRect(kGap + 2 * (key.width() + kGap), y - 3, width(), kBoxH),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   tr("the task this step moved · tasks a steal moved with it · dashed: empty"));
    }

private:
    bool has_channel() const {
        const auto& s = p_.snapshot();
        return !s.task_channel.empty() || !s.other_polling.empty();
    }
    /// Shown once a LocalSet queued a task (then also while it is empty).
    bool has_local_set() const {
        const auto& s = p_.snapshot();
        return !s.local_set.empty() || s.local_set_events > 0;
    }
    int rows() const {
        return int(p_.snapshot().workers.size()) + 3 + (has_channel() ? 1 : 0) +
               (has_local_set() ? 1 : 0);
    }

    void label(QPainter& g, int y, const QString& text) {
        g.setPen(palette().color(QPalette::Text));
        QFont f = font();
        f.setBold(true);
        g.setFont(f);
        g.drawText(QRect(kGap, y, kLabelW - 2 * kGap, kBoxH), Qt::AlignLeft | Qt::AlignVCenter,
                   text);
        g.setFont(font());
    }

    /// One task box (task 0: an empty slot, drawn dashed).
    void box(QPainter& g, int x, int y, std::uint32_t task, const QColor& fill,
             const QString& prefix = {}, bool along = false) {
        const QRect r(x, y, kBoxW, kBoxH);
        if (task == 0) {
            g.setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DashLine));
            g.setBrush(Qt::NoBrush);
            g.drawRoundedRect(r.adjusted(0, 0, -1, -1), 4, 4);
            return;
        }
        const bool moved =
            task == p_.snapshot().last.task || (task == p_.snapshot().last.displaced && task != 0);
        g.setBrush(fill);
        g.setPen(moved   ? QPen(kMoved, 3)
                 : along ? QPen(kMovedAlong, 3)
                         : QPen(fill.darker(140), 1));
        g.drawRoundedRect(r.adjusted(1, 1, -2, -2), 4, 4);
        g.setPen(Qt::black);
        const QString text = prefix + p_.store_.task_title(task);
        g.drawText(r.adjusted(4, 0, -4, 0), Qt::AlignCenter,
                   QFontMetrics(font()).elidedText(text, Qt::ElideMiddle, kBoxW - 8));
    }

    void row(QPainter& g, int x, int y, const std::vector<std::uint32_t>& tasks,
             std::size_t along_from) {
        if (tasks.empty()) {
            box(g, x, y, 0, kQueued);
            return;
        }
        for (std::size_t i = 0; i < tasks.size(); ++i) {
            if (i == std::size_t(kMaxBoxes)) {
                g.setPen(palette().color(QPalette::Text));
                g.drawText(QRect(x, y, kBoxW, kBoxH), Qt::AlignLeft | Qt::AlignVCenter,
                           tr("+%1 more").arg(tasks.size() - i));
                return;
            }
            box(g, x, y, tasks[i], kQueued, {}, i >= along_from);
            x += kBoxW + kGap;
        }
    }

    const QueuesPanel& p_;
};

QueuesPanel::QueuesPanel(const TraceStore& store, std::function<std::int64_t()> cursor,
                         QWidget* parent)
    : QWidget(parent)
    , store_(store)
    , cursor_(std::move(cursor)) {
    setObjectName(QStringLiteral("queuesPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    headline_ = new QLabel(this);
    headline_->setWordWrap(true);
    headline_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(headline_);
    scroll_ = new QScrollArea(this);
    canvas_ = new Canvas(*this, scroll_);
    scroll_->setWidget(canvas_);
    scroll_->setWidgetResizable(true);
    layout->addWidget(scroll_, 1);
    timer_ = new QTimer(this);
    timer_->setInterval(kLivePeriodMs);
    connect(timer_, &QTimer::timeout, this, &QueuesPanel::refresh);
}

void QueuesPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    timer_->start();
    refresh();
}

void QueuesPanel::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    timer_->stop();
}

void QueuesPanel::refresh() {
    const std::int64_t at = cursor_ ? cursor_() : -1;
    const std::size_t n = store_.trace().events.size();
    if (store_.generation() == generation_ && n == events_ && at == at_)
        return;
    if (store_.generation() != generation_ && (n < events_ || store_.empty()))
        state_.reset(); // another trace (or cleared for the next run)
    generation_ = store_.generation();
    events_ = n;
    at_ = at;
    snap_ = state_.at(store_.trace(), at < 0 ? n : std::size_t(at));
    headline_->setText(headline());
    canvas_->relayout();
}

QString QueuesPanel::headline() const {
    const std::size_t c = snap_.cursor;
    if (c == 0)
        return tr("Nothing has happened yet.");
    QString s = tr("After event %1 of %2: %3")
                    .arg(c)
                    .arg(store_.trace().events.size())
                    .arg(QString::fromStdString(trace::narrate(store_, c - 1)));
    const auto& m = snap_.last;
    if (m.task != 0 && m.kind == trace::EventKind::PollStart) {
        const QString from = where_text(m.from, m.from_worker);
        if (!from.isEmpty())
            s += tr(" (taken from %1)").arg(from);
    }
    if (snap_.queue_events == 0)
        s += tr("\nThis trace has no queue events so far (a file recorded before they were): "
                "only what each worker polls is shown.");
    return s;
}

} // namespace pollscope::app
