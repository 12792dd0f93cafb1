#include "command_line.h"

#include <QTextStream>

#include <cstdio>

namespace pollscope::app {

std::optional<int> run_command_line(const QStringList& args, cli::WindowOptions* window) {
    QTextStream out(stdout);
    QTextStream err(stderr);
    return cli::run(args, out, err, window);
}

std::optional<int> run_command_line(int argc, char** argv, cli::WindowOptions* window) {
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    return run_command_line(args, window);
}

} // namespace pollscope::app
