#include "cli.h"

#include "clock.h"
#include "duration_text.h"
#include "example_registry.h"
#include "pollscope_version.h"
#include "recorded_run.h"
#include "recorder.h"
#include "stats_scan.h"
#include "timeline_model.h"
#include "trace_file.h"

#include <QCommandLineParser>
#include <QSaveFile>

#include <cstdio>
#include <exception>

namespace pollscope::cli {

namespace {

const char* const kUsageHead =
    "Usage: pollscope [--example ID [--start]] [TRACE.pollscope.json]\n"
    "       pollscope --attach SOCKET\n"
    "       pollscope --list\n"
    "       pollscope --run ID [--workers N] [--virtual-time] [--set KNOB=VALUE]...\n"
    "                 [--export FILE [--format chrome|csv]]\n"
    "       pollscope --summary FILE\n"
    "\n"
    "Watch an async executor poll, wait, wake and finish.\n"
    "\n"
    "Window:\n"
    "  --example ID        open the window on example ID\n"
    "  --start             start the example at once\n"
    "  TRACE               open a saved trace (Chrome JSON written by pollscope)\n"
    "  --attach SOCKET     show a running program live: one that records with\n"
    "                      POLLSCOPE_SERVE=SOCKET (or RecordingOptions::serve)\n"
    "\n"
    "Headless (no display needed):\n"
    "  --list              list the examples (id and title)\n"
    "  --run ID            run example ID, print its task table and result\n"
    "  --workers N         set the example's worker threads\n"
    "  --virtual-time      run on the virtual clock (exact, instant)\n"
    "  --set KNOB=VALUE    set a knob (below, or --run ID --help-knobs); repeatable\n"
    "  --help-knobs        with --run ID: list the example's knobs with their ranges\n"
    "  --export FILE       write the recorded trace to FILE\n"
    "  --format FMT        chrome (JSON, opens in ui.perfetto.dev) or csv;\n"
    "                      default: from FILE's extension, else chrome\n"
    "  --summary FILE      print the task table and warnings of a saved trace\n"
    "  -h, --help          this help\n"
    "  -v, --version       the version\n";

const char* const kUsageTail =
    "\n"
    "Sample command lines:\n"
    "  pollscope --run event-loop --virtual-time --set events=5 --export run.pollscope.json\n"
    "  pollscope --summary run.pollscope.json\n"
    "  pollscope run.pollscope.json                 # the window, on that trace\n"
    "  pollscope --example select --start           # the window, running select\n"
    "  POLLSCOPE_SERVE=/tmp/app.sock ./my-program &\n"
    "  pollscope --attach /tmp/app.sock             # the window, on that program live\n"
    "\n"
    "Exit status: 0 success, 1 a failed run or an unreadable/unwritable file,\n"
    "2 a usage error (unknown option or example, bad knob value).\n";

/// Qt's own window options (QApplication takes them out of argv later); they
/// are accepted here so that no argument is unknown to one parser only.
const QStringList kQtValueOptions = {
    QStringLiteral("platform"),        QStringLiteral("platformpluginpath"),
    QStringLiteral("platformtheme"),   QStringLiteral("plugin"),
    QStringLiteral("qwindowgeometry"), QStringLiteral("qwindowicon"),
    QStringLiteral("qwindowtitle"),    QStringLiteral("style"),
    QStringLiteral("stylesheet"),      QStringLiteral("display"),
};
const QStringList kQtFlagOptions = {QStringLiteral("reverse")};

/// The options that only make sense with --run.
const QStringList kRunOptions = {QStringLiteral("workers"), QStringLiteral("virtual-time"),
                                 QStringLiteral("set"),     QStringLiteral("help-knobs"),
                                 QStringLiteral("export"),  QStringLiteral("format")};

/// The statistics and the whole-trace scan's warnings, from one model of `t`.
trace::TraceStats stats_with_warnings(const trace::Trace& t) {
    trace::TimelineModel model;
    model.load(t);
    auto stats = trace::compute_stats(model);
    trace::add_scan_warnings(model, stats);
    return stats;
}

QString pad(const QString& s, int width, bool right = false) {
    return right ? s.rightJustified(width) : s.leftJustified(width);
}

QString short_location(const trace::Trace& t, std::uint32_t id) {
    const QString text = QString::fromStdString(t.short_location_text(id));
    return text.isEmpty() ? QStringLiteral("-") : text;
}

QString warning_names(std::uint32_t bits) {
    QStringList names;
    for (int k = 0; k < trace::kWarningKindCount; ++k)
        if (bits & (1u << k))
            names << QString::fromLatin1(
                trace::warning_name(static_cast<trace::WarningKind>(k)).data());
    return names.isEmpty() ? QStringLiteral("-") : names.join(QLatin1Char(','));
}

bool check_writable(const QString& path, QString* error) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write '%1': %2").arg(path, f.errorString());
        return false;
    }
    f.cancelWriting();
    f.commit(); // discards the temporary file
    return true;
}

void print_knobs(const examples::ExampleInfo& e, QTextStream& out) {
    out << "knobs of " << e.id << ":\n";
    for (const auto& k : e.knobs) {
        out << "  " << pad(k.id, 14) << " " << pad(k.label, 30) << " default " << k.value;
        if (k.is_flag)
            out << " (flag: 0 or 1)\n";
        else
            out << " (" << k.min << ".." << k.max << k.suffix << ")\n";
    }
}

int run_example(const QCommandLineParser& p, QTextStream& out, QTextStream& err) {
    const QString id = p.value(QStringLiteral("run"));
    const auto* e = examples::find_example(id);
    if (!e) {
        QStringList ids;
        for (const auto& x : examples::examples())
            ids << x.id;
        err << "pollscope: no example '" << id << "'; ids: " << ids.join(QStringLiteral(", "))
            << "\n";
        return 2;
    }
    if (p.isSet(QStringLiteral("help-knobs"))) {
        print_knobs(*e, out);
        return 0;
    }
    examples::KnobValues knobs = examples::default_knobs(*e);
    QString error;
    QStringList assignments;
    if (p.isSet(QStringLiteral("workers")))
        assignments << QStringLiteral("workers=") + p.value(QStringLiteral("workers"));
    if (p.isSet(QStringLiteral("virtual-time")))
        assignments << examples::kVirtualTimeKnob + QStringLiteral("=1");
    assignments << p.values(QStringLiteral("set"));
    for (const auto& a : assignments) {
        if (!examples::parse_knob_assignment(*e, a, knobs, &error)) {
            err << "pollscope: " << error << "\n";
            return 2;
        }
    }

    const QString path = p.value(QStringLiteral("export"));
    trace::SaveOptions save;
    if (p.isSet(QStringLiteral("format"))) {
        auto f = trace::format_from_name(p.value(QStringLiteral("format")));
        if (!f) {
            err << "pollscope: unknown format '" << p.value(QStringLiteral("format"))
                << "' (chrome or csv)\n";
            return 2;
        }
        save.format = *f;
    } else if (path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive)) {
        save.format = trace::FileFormat::Csv;
    }
    if (!path.isEmpty() && !check_writable(path, &error)) {
        err << "pollscope: " << error << "\n";
        return 1;
    }

    examples::RecordedRun run(*e, knobs);
    std::string result;
    try {
        result = run.run();
    } catch (const std::exception& ex) {
        err << "pollscope: example '" << id << "' failed: " << ex.what() << "\n";
        return 1;
    }
    const trace::Trace t = run.recorder().snapshot();
    auto stats = stats_with_warnings(t);
    out << task_table(t, stats);
    const QString w = warning_lines(t, stats);
    out << (w.isEmpty() ? QStringLiteral("\nno warnings\n") : QStringLiteral("\nwarnings:\n") + w);
    out << "\n" << e->id << ": " << QString::fromStdString(result) << "\n";
    if (!path.isEmpty()) {
        if (!trace::save_trace(path, t, save, &error)) {
            err << "pollscope: " << error << "\n";
            return 1;
        }
        out << "trace: " << t.events.size() << " events written to " << path << "\n";
    }
    return 0;
}

int summary(const QString& path, QTextStream& out, QTextStream& err) {
    QString error;
    auto t = trace::load_trace(path, &error);
    if (!t) {
        err << "pollscope: " << (error.isEmpty() ? QStringLiteral("cannot read ") + path : error)
            << "\n";
        return 1;
    }
    out << summary_text(path, *t);
    return 0;
}

} // namespace

QString summary_text(const QString& name, const trace::Trace& t) {
    auto stats = stats_with_warnings(t);
    QString text;
    QTextStream out(&text);
    out << name << ": " << t.events.size() << " events, " << stats.tasks.size() << " tasks, "
        << format_duration(stats.end_ts - stats.start_ts)
        << (t.virtual_time ? " (virtual time)" : "") << "\n\n";
    out << task_table(t, stats);
    const QString w = warning_lines(t, stats);
    out << (w.isEmpty() ? QStringLiteral("\nno warnings\n") : QStringLiteral("\nwarnings:\n") + w);
    out.flush();
    return text;
}

QString format_duration(std::int64_t ns) {
    return QString::fromStdString(trace::duration_text(ns, trace::DurationStyle::Compact));
}

QString task_table(const trace::Trace& t, const trace::TraceStats& stats) {
    // POLL P50/P99: the median and tail of the task's poll durations.
    const QStringList head = {"ID",   "NAME",  "STATE",    "POLLS",    "WAKES",    "BUSY",
                              "IDLE", "SCHED", "POLL P50", "POLL P99", "LOCATION", "WARN"};
    std::vector<QStringList> rows;
    for (const auto& s : stats.tasks) {
        rows.push_back({QString::number(s.id),
                        s.name.empty() ? QStringLiteral("-") : QString::fromStdString(s.name),
                        QString::fromLatin1(trace::task_state_name(s.state).data()),
                        QString::number(s.polls), QString::number(s.wakes),
                        format_duration(s.busy_ns), format_duration(s.idle_ns),
                        format_duration(s.scheduled_ns), format_duration(s.poll_times.p50),
                        format_duration(s.poll_times.p99), short_location(t, s.spawn_location),
                        warning_names(s.warnings)});
    }
    std::vector<int> width(head.size());
    for (int c = 0; c < int(head.size()); ++c) {
        width[c] = int(head[c].size());
        for (const auto& r : rows)
            width[c] = std::max(width[c], int(r[c].size()));
    }
    // Numbers and durations right-aligned, as tokio-console does.
    auto right = [](int c) { return c == 0 || (c >= 3 && c <= 9); };
    auto line = [&](const QStringList& r) {
        QString s;
        for (int c = 0; c < int(r.size()); ++c) {
            if (c)
                s += QStringLiteral("  ");
            s += c + 1 == int(r.size()) ? r[c] : pad(r[c], width[c], right(c));
        }
        return s + QLatin1Char('\n');
    };
    QString out = line(head);
    for (const auto& r : rows)
        out += line(r);
    return out;
}

QString warning_lines(const trace::Trace&, const trace::TraceStats& stats) {
    QString out;
    for (const auto& w : stats.warnings)
        out += QStringLiteral("  task %1: %2: %3\n")
                   .arg(w.task)
                   .arg(QString::fromLatin1(trace::warning_name(w.kind).data()),
                        QString::fromStdString(w.message));
    return out;
}

QString usage() {
    QString text = QString::fromUtf8(kUsageHead);
    text += QStringLiteral("\nExamples and their knobs (--set KNOB=VALUE):\n");
    int w = 0;
    for (const auto& e : examples::examples())
        w = std::max(w, int(e.id.size()));
    for (const auto& e : examples::examples()) {
        QStringList knobs;
        for (const auto& k : e.knobs)
            knobs << k.id;
        text += QStringLiteral("  %1  %2\n").arg(pad(e.id, w), e.title);
        if (!knobs.isEmpty())
            text += QStringLiteral("  %1  knobs: %2\n")
                        .arg(QString(w, QLatin1Char(' ')), knobs.join(QStringLiteral(", ")));
    }
    return text + QString::fromUtf8(kUsageTail);
}

std::optional<int> run(const QStringList& args, QTextStream& out, QTextStream& err,
                       WindowOptions* window) {
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addOptions({
        {{"h", "help"}, "help"},
        {"help-all", "help"},
        {{"v", "version"}, "version"},
        {"list", "list"},
        {"run", "run", "id"},
        {"workers", "workers", "n"},
        {"virtual-time", "virtual time"},
        {"set", "knob", "knob=value"},
        {"help-knobs", "knobs"},
        {"export", "export", "file"},
        {"format", "format", "format"},
        {"summary", "summary", "file"},
        {"example", "example", "id"},
        {"start", "start"},
        {"attach", "attach", "socket"},
    });
    for (const auto& name : kQtValueOptions)
        p.addOption({name, QStringLiteral("Qt"), QStringLiteral("value")});
    for (const auto& name : kQtFlagOptions)
        p.addOption({name, QStringLiteral("Qt")});
    p.addPositionalArgument(QStringLiteral("trace"), QStringLiteral("trace"));
    auto usage_error = [&err](const QString& message) {
        err << "pollscope: " << message << "\n\n" << usage();
        return 2;
    };
    if (!p.parse(args))
        return usage_error(p.errorText());
    if (p.isSet(QStringLiteral("help")) || p.isSet(QStringLiteral("help-all"))) {
        out << usage();
        return 0;
    }
    if (p.isSet(QStringLiteral("version"))) {
        out << "pollscope " << kVersion << "\n";
        return 0;
    }
    const int modes = int(p.isSet(QStringLiteral("list"))) + int(p.isSet(QStringLiteral("run"))) +
                      int(p.isSet(QStringLiteral("summary")));
    if (modes > 1)
        return usage_error(QStringLiteral("use one of --list, --run and --summary"));
    const bool window_args =
        p.isSet(QStringLiteral("example")) || p.isSet(QStringLiteral("start")) ||
        p.isSet(QStringLiteral("attach")) || !p.positionalArguments().isEmpty();
    if (!p.isSet(QStringLiteral("run")))
        for (const auto& o : kRunOptions)
            if (p.isSet(o))
                return usage_error(QStringLiteral("--%1 needs --run ID").arg(o));
    if (modes == 0) {
        if (p.positionalArguments().size() > 1)
            return usage_error(QStringLiteral("one trace file at most (got %1)")
                                   .arg(p.positionalArguments().join(QStringLiteral(", "))));
        const QString example = p.value(QStringLiteral("example"));
        if (p.isSet(QStringLiteral("example")) && !examples::find_example(example)) {
            QStringList ids;
            for (const auto& x : examples::examples())
                ids << x.id;
            err << "pollscope: no example '" << example
                << "'; ids: " << ids.join(QStringLiteral(", ")) << "\n";
            return 2;
        }
        if (p.isSet(QStringLiteral("start")) && !p.positionalArguments().isEmpty())
            return usage_error(
                QStringLiteral("--start runs an example; it does not combine with a trace file"));
        if (p.isSet(QStringLiteral("attach")) &&
            (p.isSet(QStringLiteral("start")) || !p.positionalArguments().isEmpty()))
            return usage_error(QStringLiteral(
                "--attach shows a running program; it does not combine with --start or a trace "
                "file"));
        if (p.isSet(QStringLiteral("attach")) && p.value(QStringLiteral("attach")).isEmpty())
            return usage_error(QStringLiteral("--attach needs the program's socket path"));
        if (window) {
            window->attach = p.value(QStringLiteral("attach"));
            window->example = example;
            window->start = p.isSet(QStringLiteral("start"));
            window->trace = p.positionalArguments().value(0);
        }
        return std::nullopt;
    }
    if (window_args)
        return usage_error(
            QStringLiteral("--example, --start, --attach and a trace file open the window; "
                           "they do not combine with --list, --run or --summary"));
    if (p.isSet(QStringLiteral("list"))) {
        int w = 0;
        for (const auto& e : examples::examples())
            w = std::max(w, int(e.id.size()));
        for (const auto& e : examples::examples())
            out << pad(e.id, w) << "  " << e.title << "\n";
        return 0;
    }
    if (p.isSet(QStringLiteral("summary")))
        return summary(p.value(QStringLiteral("summary")), out, err);
    return run_example(p, out, err);
}

} // namespace pollscope::cli
