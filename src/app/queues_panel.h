#pragma once
// QueuesPanel: the scheduler's queues at one step, drawn as rows of task
// boxes (trace::QueueState gives what they hold): each worker with the task
// it polls, its LIFO slot and its run queue (front first), the injection
// queue, the hand-built executor's task channel, a LocalSet's queue, and the
// timer deadlines tasks wait on. The task the step moved is outlined, and the line above
// says what the step did (the narration) and where the task came from.
//
// The step is the rewind cursor when there is one, else the trace's end (a
// live run: refreshed a few times a second while the panel is shown).
// Reads the store on the GUI thread only (under its GuiReadLock).

#include "queue_state.h"

#include <QWidget>

#include <cstdint>
#include <functional>

class QLabel;
class QScrollArea;
class QTimer;

namespace pollscope::app {

class TraceStore;

class QueuesPanel : public QWidget {
    Q_OBJECT
public:
    /// `cursor`: the rewind cursor, or -1 for the end of the trace.
    QueuesPanel(const TraceStore& store, std::function<std::int64_t()> cursor,
                QWidget* parent = nullptr);

    /// Re-reads the store at the cursor (cheap when nothing changed).
    void refresh();
    const trace::QueueSnapshot& snapshot() const noexcept { return snap_; }
    /// The line above the queues ("Step 12: worker 2 steals 3 tasks...").
    QString headline() const;

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    class Canvas;
    const TraceStore& store_;
    std::function<std::int64_t()> cursor_;
    trace::QueueState state_;
    trace::QueueSnapshot snap_;
    std::uint64_t generation_ = ~std::uint64_t(0);
    std::size_t events_ = 0;
    std::int64_t at_ = -2;
    QLabel* headline_ = nullptr;
    QScrollArea* scroll_ = nullptr;
    Canvas* canvas_ = nullptr;
    QTimer* timer_ = nullptr;
};

} // namespace pollscope::app
