// pollscope: the window, or (with --list/--run/--summary) the headless CLI.
#include "command_line.h"
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv) {
    // --help, --version, --list, --run, --summary: headless, before any
    // QApplication exists (no display needed).
    if (auto code = pollscope::app::run_command_line(argc, argv))
        return *code;
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Pollscope"));
    QApplication::setApplicationName(QStringLiteral("Pollscope"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    QApplication::setDesktopFileName(QStringLiteral("io.pollscope.Pollscope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Watch an async executor poll, wait, wake and finish."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption example(QStringLiteral("example"),
                               QStringLiteral("Open the window on example <id>."),
                               QStringLiteral("id"));
    QCommandLineOption start(QStringLiteral("start"), QStringLiteral("Start the example at once."));
    parser.addOption(example);
    parser.addOption(start);
    parser.addPositionalArgument(QStringLiteral("trace"),
                                 QStringLiteral("A saved trace (.json) to open."), "[trace]");
    parser.process(app);

    pollscope::app::MainWindow w;
    if (parser.isSet(example) && !w.select_example(parser.value(example))) {
        std::fprintf(stderr, "pollscope: no example '%s'; ids:", qPrintable(parser.value(example)));
        for (const auto& e : pollscope::app::examples())
            std::fprintf(stderr, " %s", qPrintable(e.id));
        std::fprintf(stderr, "\n");
        return 2;
    }
    w.show();
    if (!parser.positionalArguments().isEmpty())
        w.open_trace(parser.positionalArguments().first());
    else if (parser.isSet(start))
        QTimer::singleShot(0, &w, [&w] { w.run(); });
    return app.exec();
}
