// MainWindow's queues panel: a dock below the window (View > Queues, Q) that
// draws the scheduler's queues at the rewind cursor, or at the end of the
// trace while a run records (queues_panel.h).
#include "main_window.h"

#include "queues_panel.h"
#include "trace_store.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>

#include <algorithm>

namespace pollscope::app {

namespace {
constexpr int kFirstDockHeight = 330;
}

void MainWindow::setup_queues() {
    queues_ = new QueuesPanel(
        *store_, [this] { return cursor_; }, this);
    auto* dock = new QDockWidget(tr("Queues"), this);
    dock->setObjectName(QStringLiteral("queuesDock"));
    dock->setWidget(queues_);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    dock->hide(); // shown on demand: it costs a replay of the queue events
    // Tall enough for five workers' rows when it first opens (a dock opens at its
    // contents' small hint otherwise); later the person's size stays.
    connect(dock, &QDockWidget::visibilityChanged, this, [this, dock](bool shown) {
        if (!shown || dock->property("sized").toBool())
            return;
        dock->setProperty("sized", true);
        resizeDocks({dock}, {std::max(dock->height(), kFirstDockHeight)}, Qt::Vertical);
    });
    QAction* toggle = dock->toggleViewAction();
    toggle->setText(tr("&Queues panel"));
    toggle->setShortcut(QKeySequence(Qt::Key_Q));
    toggle->setToolTip(tr("The workers' run queues, LIFO slots, the injection queue, the task "
                          "channel and the timers, at the rewind cursor or now (Q)"));
    if (auto* view = menuBar()->findChild<QMenu*>(QStringLiteral("menuView"))) {
        view->addSeparator();
        view->addAction(toggle);
    } else {
        addAction(toggle); // the shortcut still works
    }
}

void MainWindow::refresh_queues() {
    if (queues_ && queues_->isVisible())
        queues_->refresh();
}

} // namespace pollscope::app
