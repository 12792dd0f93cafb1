#include "cli.h"

#include "clock.h"
#include "example_registry.h"
#include "recorder.h"
#include "stats_scan.h"
#include "trace_file.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QSaveFile>

#include <cstdio>
#include <exception>

#ifndef POLLSCOPE_VERSION
#define POLLSCOPE_VERSION "0.0.0"
#endif

namespace pollscope::cli {

namespace {

const char* const kUsage =
    "Usage: pollscope [--example ID [--start]] [TRACE.json]\n"
    "       pollscope --list\n"
    "       pollscope --run ID [--workers N] [--virtual-time] [--set KNOB=VALUE]...\n"
    "                 [--export FILE [--format chrome|csv]]\n"
    "       pollscope --summary FILE\n"
    "\n"
    "Watch an async executor poll, wait, wake and finish.\n"
    "\n"
    "Window:\n"
    "  --example ID        open the window on example ID\n"
    "  --start             start that example at once\n"
    "  TRACE.json          open a saved trace\n"
    "\n"
    "Headless (no display needed):\n"
    "  --list              list the examples (id and title)\n"
    "  --run ID            run example ID, print its task table and result\n"
    "  --workers N         set the example's worker threads\n"
    "  --virtual-time      run on the virtual clock (exact, instant)\n"
    "  --set KNOB=VALUE    set a knob (see --run ID --help-knobs); repeatable\n"
    "  --help-knobs        with --run ID: list the example's knobs\n"
    "  --export FILE       write the recorded trace to FILE\n"
    "  --format FMT        chrome (JSON, opens in ui.perfetto.dev) or csv;\n"
    "                      default: from FILE's extension, else chrome\n"
    "  --summary FILE      print the task table and warnings of a saved trace\n"
    "  -h, --help          this help\n"
    "  -v, --version       the version\n";

QString pad(const QString& s, int width, bool right = false) {
    return right ? s.rightJustified(width) : s.leftJustified(width);
}

QString short_location(const trace::Trace& t, std::uint32_t id) {
    const QString text = QString::fromStdString(t.location_text(id));
    return text.isEmpty() ? QStringLiteral("-") : QFileInfo(text).fileName();
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

    auto clock = examples::make_clock(*e, knobs);
    trace::RecorderOptions ro;
    ro.virtual_time = clock->is_virtual();
    if (clock->is_virtual())
        ro.time = trace::TraceRecorder::clock_time(clock);
    trace::TraceRecorder recorder(std::move(ro));
    examples::RunSetup setup;
    setup.hooks = &recorder;
    setup.clock = clock;
    setup.knobs = knobs;
    std::string result;
    try {
        result = e->run(setup);
    } catch (const std::exception& ex) {
        err << "pollscope: example '" << id << "' failed: " << ex.what() << "\n";
        return 1;
    }
    const trace::Trace t = recorder.snapshot();
    auto stats = trace::compute_stats(t);
    trace::add_scan_warnings(t, stats);
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
    auto stats = trace::compute_stats(*t);
    trace::add_scan_warnings(*t, stats);
    out << path << ": " << t->events.size() << " events, " << stats.tasks.size() << " tasks, "
        << format_duration(stats.end_ts - stats.start_ts)
        << (t->virtual_time ? " (virtual time)" : "") << "\n\n";
    out << task_table(*t, stats);
    const QString w = warning_lines(*t, stats);
    out << (w.isEmpty() ? QStringLiteral("\nno warnings\n") : QStringLiteral("\nwarnings:\n") + w);
    return 0;
}

const QStringList kHeadless = {QStringLiteral("--list"),    QStringLiteral("--run"),
                               QStringLiteral("--summary"), QStringLiteral("--help"),
                               QStringLiteral("-h"),        QStringLiteral("--version"),
                               QStringLiteral("-v"),        QStringLiteral("--help-all")};

} // namespace

QString format_duration(std::int64_t ns) {
    const double v = double(ns);
    if (ns < 1'000)
        return QStringLiteral("%1ns").arg(ns);
    if (ns < 1'000'000)
        return QStringLiteral("%1µs").arg(v / 1e3, 0, 'f', 2);
    if (ns < 1'000'000'000)
        return QStringLiteral("%1ms").arg(v / 1e6, 0, 'f', 2);
    return QStringLiteral("%1s").arg(v / 1e9, 0, 'f', 2);
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

bool is_headless(const QStringList& args) {
    for (int i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("--"))
            break;
        for (const auto& opt : kHeadless)
            if (a == opt || a.startsWith(opt + QLatin1Char('=')))
                return true;
    }
    return false;
}

std::optional<int> run(const QStringList& args, QTextStream& out, QTextStream& err) {
    if (!is_headless(args))
        return std::nullopt;
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
    });
    p.addPositionalArgument(QStringLiteral("trace"), QStringLiteral("trace"));
    if (!p.parse(args)) {
        err << "pollscope: " << p.errorText() << "\n(see pollscope --help)\n";
        return 2;
    }
    if (p.isSet(QStringLiteral("help")) || p.isSet(QStringLiteral("help-all"))) {
        out << kUsage;
        return 0;
    }
    if (p.isSet(QStringLiteral("version"))) {
        out << "pollscope " << POLLSCOPE_VERSION << "\n";
        return 0;
    }
    const int modes = int(p.isSet(QStringLiteral("list"))) + int(p.isSet(QStringLiteral("run"))) +
                      int(p.isSet(QStringLiteral("summary")));
    if (modes > 1) {
        err << "pollscope: use one of --list, --run and --summary\n";
        return 2;
    }
    if (p.isSet(QStringLiteral("example")) || p.isSet(QStringLiteral("start")) ||
        !p.positionalArguments().isEmpty()) {
        err << "pollscope: --example, --start and a trace file open the window; they do not "
               "combine with --list, --run or --summary\n";
        return 2;
    }
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

int main(int argc, char** argv) {
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    QTextStream out(stdout);
    QTextStream err(stderr);
    auto code = run(args, out, err);
    if (!code) {
        err << "pollscope: no command-line option given (see pollscope --help)\n";
        return 2;
    }
    return *code;
}

} // namespace pollscope::cli
