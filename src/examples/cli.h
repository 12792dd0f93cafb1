#pragma once
// The headless command line of `pollscope` (library pollscope_examples):
//
//   pollscope --list
//   pollscope --run ID [--workers N] [--virtual-time] [--set knob=value]...
//             [--export FILE [--format chrome|csv]]
//   pollscope --summary FILE
//   pollscope --help | --version
//
// GUI options (--example ID, --start, a trace file) are left to the window.

#include "stats.h"

#include <QString>
#include <QStringList>
#include <QTextStream>

#include <optional>

namespace pollscope::cli {

/// Handles `args` (args[0] is the program) when they hold a headless option:
/// prints to `out`/`err` and returns the exit code (0 success, 1 a failed run
/// or unreadable/unwritable file, 2 bad usage: unknown id, bad knob...).
/// nullopt when the arguments are for the window.
std::optional<int> run(const QStringList& args, QTextStream& out, QTextStream& err);

/// run() on the process arguments, stdout and stderr; 2 with a message when
/// they hold no headless option. Needs no QCoreApplication and no display.
int main(int argc, char** argv);

/// True when `args` hold one of the headless options.
bool is_headless(const QStringList& args);

/// The tokio-console-like table: id, name, state, polls, wakes, busy, idle,
/// scheduled, spawn location, warnings; one row per task.
QString task_table(const trace::Trace& trace, const trace::TraceStats& stats);
/// One line per warning ("" when none).
QString warning_lines(const trace::Trace& trace, const trace::TraceStats& stats);
/// What --summary prints for a trace read from `name`: totals, task table, warnings.
QString summary_text(const QString& name, const trace::Trace& trace);
/// "1.25ms", "300ns", "2.00s"...
QString format_duration(std::int64_t ns);

} // namespace pollscope::cli
