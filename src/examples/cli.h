#pragma once
// The headless command line of `pollscope` (library pollscope_examples):
//
//   pollscope --list
//   pollscope --run ID [--workers N] [--virtual-time] [--set knob=value]...
//             [--export FILE [--format chrome|csv]]
//   pollscope --summary FILE
//   pollscope --help | --version
//   pollscope [--example ID [--start]] [TRACE]      (the window)
//
// Every argument is parsed here, before any QApplication exists: a mistake
// (unknown option, missing value, unknown example) is reported without a
// display, and the window only gets arguments already checked.

#include "stats.h"

#include <QString>
#include <QStringList>
#include <QTextStream>

#include <optional>

namespace pollscope::cli {

/// What the window is to do, from arguments run() has checked.
struct WindowOptions {
    QString example; // an existing example id, or empty
    bool start = false;
    QString trace;  // a trace file to open, or empty
    QString attach; // a program's socket to attach to (POLLSCOPE_SERVE), or empty
};

/// Parses `args` (args[0] is the program). For a headless option, or for a
/// usage error, prints to `out`/`err` and returns the exit code (0 success,
/// 1 a failed run or unreadable/unwritable file, 2 bad usage: unknown option,
/// missing value, unknown id, bad knob...; the usage goes to `err` then).
/// nullopt when the arguments are for the window, which are then in `window`
/// (when not null). Needs no QCoreApplication and no display.
std::optional<int> run(const QStringList& args, QTextStream& out, QTextStream& err,
                       WindowOptions* window = nullptr);

/// The text of --help: usage, options, the examples with their knobs, and
/// sample command lines.
QString usage();

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
