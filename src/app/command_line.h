#pragma once
// The headless command line of `pollscope` (--list, --run, --summary, --help,
// --version), handled before any QApplication exists, so it needs no display.
// The work is done by pollscope::cli (src/examples/cli.h).

#include <QStringList>

#include <optional>

namespace pollscope::app {

/// An exit code when `args` (args[0] = the program) hold a headless option,
/// after printing to stdout/stderr; nullopt for the window's arguments
/// (--example ID, --start, a trace file).
std::optional<int> run_command_line(const QStringList& args);
/// The same on main()'s arguments.
std::optional<int> run_command_line(int argc, char** argv);

} // namespace pollscope::app
