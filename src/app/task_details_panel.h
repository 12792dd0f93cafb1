#pragma once
// TaskDetailsPanel: everything about one task in a window of its own (a
// double-click or Enter on its task table row opens it; Esc closes it): its
// poll-duration and scheduled-delay histograms, where it awaited and how
// often, the resources it waited on, its parent and children (double-click
// one to show it), and its warnings with what each means. Computed by
// trace::task_details() from the store and the task table's statistics, up
// to the statistics' end (so its waits add up to their waiting time, live
// too); refresh() recomputes it (the window calls it as a live run's
// statistics come in).

#include "task_details.h"

#include <QDialog>

#include <cstdint>
#include <functional>

class QLabel;
class QTreeWidget;

namespace pollscope::app {

class DurationHistogram;
class TraceStore;

class TaskDetailsPanel : public QDialog {
    Q_OBJECT
public:
    /// `stats`: the statistics to show (the task table's).
    TaskDetailsPanel(const TraceStore& store, std::function<const trace::TraceStats&()> stats,
                     QWidget* parent = nullptr);

    /// Shows `task` (and the window, raised).
    void show_task(std::uint32_t task);
    /// Shows `task` in the panel without showing the panel.
    void set_task(std::uint32_t task);
    /// Recomputes the shown task's details.
    void refresh();

    std::uint32_t task() const noexcept { return task_; }
    const trace::TaskDetails& details() const noexcept { return details_; }
    DurationHistogram* poll_histogram() const noexcept { return polls_; }
    DurationHistogram* delay_histogram() const noexcept { return delays_; }
    QTreeWidget* sites_view() const noexcept { return sites_; }
    QTreeWidget* resources_view() const noexcept { return resources_; }
    QTreeWidget* family_view() const noexcept { return family_; }
    QLabel* warnings_label() const noexcept { return warnings_; }

private:
    void fill();

    const TraceStore& store_;
    std::function<const trace::TraceStats&()> stats_;
    std::uint32_t task_ = 0;
    trace::TaskDetails details_;
    QLabel* title_ = nullptr;
    QLabel* summary_ = nullptr;
    DurationHistogram* polls_ = nullptr;
    DurationHistogram* delays_ = nullptr;
    QLabel* poll_figures_ = nullptr;
    QLabel* delay_figures_ = nullptr;
    QTreeWidget* sites_ = nullptr;
    QTreeWidget* resources_ = nullptr;
    QTreeWidget* family_ = nullptr;
    QLabel* warnings_ = nullptr;
};

} // namespace pollscope::app
