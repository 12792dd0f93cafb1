// MainWindow's view of an attached program's stream: how many events came,
// and what was lost on the way (the program's ring dropped events, some of
// them before the stream could send them: this window never got those), in
// a status bar label that turns into a warning when anything was lost, and
// in the window's title.
#include "main_window.h"

#include "run_controller.h"
#include "stream_client.h"

#include <QLabel>

namespace pollscope::app {

QString MainWindow::stream_title() const {
    const auto* stream = run_->stream();
    if (!stream)
        return windowTitle();
    const QString program = QString::fromStdString(stream->hello().program);
    // "attached" until run_finished reported the end (as the status does).
    const QString state = !run_->stream_end_reported() ? tr("attached")
                          : stream->state() == trace::StreamClient::State::Ended
                              ? tr("ended")
                              : tr("disconnected");
    QString title =
        tr("Pollscope — %1 (pid %2, %3)").arg(program).arg(stream->hello().pid).arg(state);
    if (const auto missed = stream->missed(); missed > 0)
        title += tr(" — %1 events missed").arg(missed);
    else if (const auto dropped = stream->dropped(); dropped > 0)
        title += tr(" — %1 events dropped").arg(dropped);
    return title;
}

void MainWindow::show_stream_state() {
    const auto* stream = run_->stream();
    stream_label_->setVisible(stream != nullptr);
    if (!stream)
        return;
    const auto received = stream->events();
    const auto dropped = stream->dropped();
    const auto missed = stream->missed();
    QString text = tr("%1 events received").arg(received);
    if (dropped > 0 || missed > 0) {
        text += tr(" · ⚠ the program's ring dropped %1").arg(dropped);
        text += missed > 0 ? tr(", %1 of them before they reached this window").arg(missed)
                           : tr(" (after this window had them)");
    }
    stream_label_->setText(text);
    stream_label_->setStyleSheet(missed > 0    ? QStringLiteral("color: #b3261e;")
                                 : dropped > 0 ? QStringLiteral("color: #8a5a00;")
                                               : QString());
    stream_label_->setToolTip(
        tr("Ring mode (RecordingOptions::ring_capacity, POLLSCOPE_TRACE_RING) keeps the "
           "program's last events: older ones are dropped. Events dropped before the stream "
           "sent them never reach this window (missed); the program's file lacks every "
           "dropped event."));
    const QString title = stream_title();
    if (windowTitle() != title)
        setWindowTitle(title);
}

} // namespace pollscope::app
