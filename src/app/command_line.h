#pragma once
// The command line of `pollscope`, parsed whole before any QApplication
// exists, so that every mistake is reported without a display: the headless
// options (--list, --run, --summary, --help, --version) run here, and the
// window's (--example ID, --start, a trace file) come back checked. The work
// is done by pollscope::cli (src/examples/cli.h).

#include "cli.h"

#include <QStringList>

#include <optional>

namespace pollscope::app {

/// An exit code when `args` (args[0] = the program) hold a headless option or
/// a usage error, after printing to stdout/stderr; nullopt for the window,
/// whose options are then in `window` (when not null).
std::optional<int> run_command_line(const QStringList& args, cli::WindowOptions* window = nullptr);
/// The same on main()'s arguments.
std::optional<int> run_command_line(int argc, char** argv, cli::WindowOptions* window = nullptr);

} // namespace pollscope::app
