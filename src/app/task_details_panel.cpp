#include "task_details_panel.h"

#include "duration_histogram.h"
#include "task_table_model.h"
#include "timeline_palette.h"
#include "trace_store.h"

#include <QDialogButtonBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace pollscope::app {

namespace {
/// A duration as every table of the window writes it.
QString text(std::int64_t ns) {
    return TaskTableModel::format_ns(ns);
}
QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QTreeWidget* make_list(const QStringList& columns, QWidget* parent) {
    auto* t = new QTreeWidget(parent);
    t->setHeaderLabels(columns);
    t->setRootIsDecorated(false);
    t->setAlternatingRowColors(true);
    t->setUniformRowHeights(true);
    t->setSortingEnabled(false);
    t->header()->setStretchLastSection(false);
    t->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    t->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    return t;
}

QGroupBox* group(const QString& title, QWidget* content, QWidget* parent) {
    auto* g = new QGroupBox(title, parent);
    auto* l = new QVBoxLayout(g);
    l->setContentsMargins(4, 4, 4, 4);
    l->addWidget(content);
    return g;
}

/// "n polls · min … · p50 … · p90 … · p99 … · max …".
QString figures(const trace::DurationSummary& d, const QString& unit) {
    if (d.count == 0)
        return QObject::tr("no %1 yet").arg(unit);
    return QObject::tr("%1 %2 · min %3 · <b>p50 %4</b> · p90 %5 · p99 %6 · max %7")
        .arg(d.count)
        .arg(unit, text(d.min), text(d.p50), text(d.p90), text(d.p99), text(d.max));
}
} // namespace

TaskDetailsPanel::TaskDetailsPanel(const TraceStore& store,
                                   std::function<const trace::TraceStats&()> stats, QWidget* parent)
    : QDialog(parent)
    , store_(store)
    , stats_(std::move(stats)) {
    setObjectName(QStringLiteral("taskDetails"));
    setModal(false);
    auto* layout = new QVBoxLayout(this);
    title_ = new QLabel(this);
    title_->setTextFormat(Qt::RichText);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(title_);
    layout->addWidget(summary_);

    // The two histograms side by side, each with what it shows and its figures.
    auto histogram = [this](DurationHistogram*& h, QLabel*& figures_label, const QColor& colour,
                            const QString& title, const QString& explanation) {
        auto* box = new QGroupBox(title, this);
        auto* l = new QVBoxLayout(box);
        l->setContentsMargins(6, 6, 6, 6);
        auto* what = new QLabel(explanation, box);
        what->setWordWrap(true);
        h = new DurationHistogram(box);
        h->set_colour(colour);
        figures_label = new QLabel(box);
        figures_label->setTextFormat(Qt::RichText);
        l->addWidget(what);
        l->addWidget(h, 1);
        l->addWidget(figures_label);
        return box;
    };
    const QString log_scale =
        tr(" Each bar counts the %1 that fall in its range; each range is twice as wide as "
           "the one to its left (a log scale), so short and long ones fit on one axis. The "
           "dashed lines: half took less than p50, 90 % less than p90, 99 % less than p99.");
    auto* histograms = new QHBoxLayout;
    histograms->addWidget(
        histogram(polls_, poll_figures_, palette::kRunning, tr("Poll duration"),
                  tr("How long each poll ran: the time the task held a worker thread.") +
                      log_scale.arg(tr("polls"))));
    histograms->addWidget(histogram(
        delays_, delay_figures_, palette::kWake, tr("Scheduled delay"),
        tr("How long the task waited for a worker once it could run (spawned or woken) "
           "until its poll started: time in a run queue, while other tasks had the workers.") +
            log_scale.arg(tr("delays"))));
    layout->addLayout(histograms, 3);

    sites_ = make_list({tr("Await site"), tr("Waits"), tr("Waited")}, this);
    resources_ = make_list({tr("Resource"), tr("Kind"), tr("Waits"), tr("Waited")}, this);
    family_ = make_list({tr("Task"), tr("Relation"), tr("State")}, this);
    family_->setToolTip(tr("Double-click a task to show its details"));
    warnings_ = new QLabel(this);
    warnings_->setWordWrap(true);
    warnings_->setTextFormat(Qt::RichText);
    warnings_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(warnings_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* grid = new QGridLayout;
    grid->addWidget(group(tr("Where it awaited"), sites_, this), 0, 0);
    grid->addWidget(group(tr("What it waited on"), resources_, this), 0, 1);
    grid->addWidget(group(tr("Parent and children"), family_, this), 1, 0);
    grid->addWidget(group(tr("Warnings"), scroll, this), 1, 1);
    layout->addLayout(grid, 2);
    connect(family_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        if (const auto id = item->data(0, Qt::UserRole).toUInt(); id != 0)
            show_task(id);
    });

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(1000, 760);
}

void TaskDetailsPanel::set_task(std::uint32_t task) {
    task_ = task;
    refresh();
}

void TaskDetailsPanel::show_task(std::uint32_t task) {
    set_task(task);
    show();
    raise();
    activateWindow();
}

void TaskDetailsPanel::refresh() {
    const trace::TraceStats& stats = stats_();
    details_ = trace::task_details(store_, stats, task_, stats.tasks.empty() ? -1 : stats.end_ts);
    fill();
}

void TaskDetailsPanel::fill() {
    const auto& d = details_;
    const auto& t = d.stats;
    setWindowTitle(tr("Task details: %1").arg(store_.task_title(task_)));
    if (!d.found) {
        title_->setText(tr("<b>%1</b> is not in this trace").arg(store_.task_title(task_)));
        summary_->clear();
    } else {
        title_->setText(QStringLiteral("<span style='font-size:large'><b>%1</b></span> — %2")
                            .arg(store_.task_title(task_).toHtmlEscaped(),
                                 qs(trace::task_state_name(t.state))));
        QString spawned = tr("Spawned at %1").arg(text(t.spawned_at - store_.start_ts()));
        if (d.parent != 0)
            spawned += tr(" by %1").arg(store_.task_title(d.parent));
        if (const auto where = store_.trace().short_location_text(t.spawn_location); !where.empty())
            spawned += tr(" at %1").arg(QString::fromStdString(where));
        summary_->setText(
            spawned +
            tr(". %1 polls (%2 Pending), %3 wakes (%4 by itself). Busy %5, waiting %6, "
               "scheduled %7 of %8 alive.")
                .arg(t.polls)
                .arg(t.pending_polls)
                .arg(t.wakes)
                .arg(t.self_wakes)
                .arg(text(t.busy_ns), text(t.idle_ns), text(t.scheduled_ns), text(t.total_ns)));
    }
    polls_->set_summary(t.poll_times, tr("polls"));
    delays_->set_summary(t.scheduled_times, tr("delays"));
    poll_figures_->setText(figures(t.poll_times, tr("polls")));
    delay_figures_->setText(figures(t.scheduled_times, tr("delays")));

    sites_->clear();
    for (const auto& s : d.sites) {
        const auto where = store_.trace().short_location_text(s.site);
        auto* item = new QTreeWidgetItem(
            sites_, {where.empty() ? tr("unknown") : QString::fromStdString(where),
                     QString::number(s.waits), text(s.wait_ns)});
        item->setToolTip(0, QString::fromStdString(store_.trace().location_text(s.site)));
    }
    resources_->clear();
    for (const auto& r : d.resources) {
        QString name = QString::fromStdString(r.name);
        if (r.waiting_now)
            name += tr(" (waiting now)");
        new QTreeWidgetItem(resources_, {name, qs(trace::resource_kind_name(r.kind)),
                                         QString::number(r.waits), text(r.wait_ns)});
    }
    family_->clear();
    const auto state_of = [this](std::uint32_t id) {
        const auto& tasks = stats_().tasks;
        auto it =
            std::lower_bound(tasks.begin(), tasks.end(), id,
                             [](const trace::TaskStats& s, std::uint32_t x) { return s.id < x; });
        return it != tasks.end() && it->id == id ? qs(trace::task_state_name(it->state))
                                                 : QString();
    };
    const auto add_task = [&](std::uint32_t id, const QString& relation) {
        auto* item = new QTreeWidgetItem(family_, {store_.task_title(id), relation, state_of(id)});
        item->setData(0, Qt::UserRole, id);
    };
    if (d.parent != 0)
        add_task(d.parent, tr("parent (spawned it)"));
    for (auto c : d.children)
        add_task(c, tr("child"));
    if (d.parent == 0 && d.children.empty())
        new QTreeWidgetItem(family_, {tr("no parent task and no children")});

    if (d.warnings.empty()) {
        warnings_->setText(tr("None."));
    } else {
        QString html;
        for (const auto& w : d.warnings)
            html += QStringLiteral("<p><b>%1</b> at %2: %3<br><i>%4</i></p>")
                        .arg(qs(trace::warning_name(w.kind)).toHtmlEscaped(),
                             text(w.ts - store_.start_ts()),
                             QString::fromStdString(w.message).toHtmlEscaped(),
                             qs(trace::warning_explanation(w.kind)).toHtmlEscaped());
        warnings_->setText(html);
    }
}

} // namespace pollscope::app
