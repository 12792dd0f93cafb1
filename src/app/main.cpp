// pollscope: the window, or (with --list/--run/--summary) the headless CLI.
#include "command_line.h"
#include "main_window.h"
#include "pollscope_version.h"

#include <QApplication>
#include <QTimer>

int main(int argc, char** argv) {
    // Every argument is checked here, before any QApplication exists: the
    // headless options and usage errors need no display.
    pollscope::cli::WindowOptions options;
    if (auto code = pollscope::app::run_command_line(argc, argv, &options))
        return *code;
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Pollscope"));
    QApplication::setApplicationName(QStringLiteral("Pollscope"));
    QApplication::setApplicationVersion(QString::fromLatin1(pollscope::kVersion));
    QApplication::setDesktopFileName(QStringLiteral("io.pollscope.Pollscope"));

    pollscope::app::MainWindow w;
    if (!options.example.isEmpty())
        w.select_example(options.example); // an id cli::run has checked
    w.show();
    if (!options.attach.isEmpty())
        QTimer::singleShot(0, &w, [&w, path = options.attach] { w.attach(path); });
    else if (!options.trace.isEmpty())
        w.open_trace(options.trace);
    else if (options.start)
        QTimer::singleShot(0, &w, [&w] { w.run(); });
    return QApplication::exec();
}
