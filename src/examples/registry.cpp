// The registry: every example's id, title, knobs and run function; the
// explanations (resources/examples/<id>.md) and the example sources (the
// example_*.cpp files of this directory) come from the library's resources.
#include "example_registry.h"

#include "clock.h"
#include "example_runs.h"
#include "rust_links.h"

#include <QFile>
#include <QStringList>

#include <stdexcept>

// Q_INIT_RESOURCE must be called outside any namespace. The resources live in
// a static library: without the call the linker may drop them.
static void init_examples_resources() {
    Q_INIT_RESOURCE(examples);
}

namespace pollscope::examples {

namespace {

QString read_resource(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

Knob ms(const char* id, const char* label, int value, int min = 0, int max = 10'000) {
    return {QString::fromLatin1(id), QString::fromUtf8(label), value, min, max,
            QStringLiteral(" ms")};
}
Knob count(const char* id, const char* label, int value, int min, int max,
           const char* suffix = "") {
    return {QString::fromLatin1(id),  QString::fromUtf8(label), value, min, max,
            QString::fromUtf8(suffix)};
}
Knob workers(int value) {
    return count("workers", "Worker threads", value, 1, 32, " workers");
}
Knob flag(const char* id, const char* label, int value) {
    return {QString::fromLatin1(id), QString::fromUtf8(label), value, 0, 1, QString(), true};
}
Knob virtual_clock() {
    return {kVirtualTimeKnob, QStringLiteral("Virtual clock"), 0, 0, 1, QString(), true};
}

using RunFn = std::string (*)(const RunSetup&);

/// run(): knobs left out take their defaults, values are checked, a missing
/// clock is made from the "virtual_time" knob; then the example runs.
std::function<std::string(const RunSetup&)> checked(std::vector<Knob> knobs, RunFn fn) {
    return [knobs = std::move(knobs), fn](const RunSetup& setup) {
        ExampleInfo info;
        info.knobs = knobs;
        if (auto error = validate_knobs(info, setup.knobs))
            throw std::invalid_argument(error->toStdString());
        RunSetup full = setup;
        for (const auto& k : knobs)
            full.knobs.try_emplace(k.id, k.value);
        if (!full.clock)
            full.clock = make_clock(info, full.knobs);
        return fn(full);
    };
}

std::vector<ExampleInfo> build() {
    init_examples_resources();
    std::vector<ExampleInfo> out;
    auto add = [&out](const char* id, const char* title, const char* file, RunFn fn,
                      std::vector<Knob> knobs) -> ExampleInfo& {
        ExampleInfo e;
        e.id = QString::fromLatin1(id);
        e.title = QString::fromUtf8(title);
        e.code_file = QString::fromLatin1(file);
        e.code_first_line = 1;
        e.code = read_resource(QStringLiteral(":/pollscope/examples/src/") + e.code_file);
        e.markdown = read_resource(QStringLiteral(":/pollscope/examples/text/") + e.id +
                                   QStringLiteral(".md"));
        if (e.markdown.isEmpty())
            e.markdown = QStringLiteral("# ") + e.title + QLatin1Char('\n');
        e.rust = read_resource(QStringLiteral(":/pollscope/examples/rust/") + e.id +
                               QStringLiteral(".rs"));
        e.rust_line_for_code_line = rust_lines_for(e.id, e.code, e.rust);
        e.knobs = std::move(knobs);
        e.run = checked(e.knobs, fn);
        out.push_back(std::move(e));
        return out.back();
    };

    add("timer-future", "1. A timer future using Waker", "example_timer_future.cpp",
        detail::run_timer_future,
        {ms("duration", "Timer duration", 10, 1), count("timers", "Timers in a row", 1, 1, 100),
         virtual_clock()});
    add("executor", "2. An executor of our own", "example_executor.cpp", detail::run_executor,
        {count("tasks", "Tasks", 1, 1, 1000), ms("duration", "Timer duration", 10, 1),
         count("capacity", "Channel capacity (MAX_TASKS)", 10'000, 1, 10'000, " tasks"),
         virtual_clock()});
    add("local-set", "3. Concurrency on a single thread", "example_local_set.cpp",
        detail::run_local_set,
        {ms("middle", "async_block_2 sleeps", 100), ms("end", "async_block_3 sleeps", 100),
         virtual_clock()});
    const std::vector<Knob> three = {ms("task_1", "task_1 sleeps", 100),
                                     ms("task_2", "task_2 sleeps", 200),
                                     ms("task_3", "task_3 sleeps", 300)};
    auto with = [](std::vector<Knob> k, std::vector<Knob> more) {
        k.insert(k.end(), more.begin(), more.end());
        return k;
    };
    add("join", "4a. join: wait for all", "example_join_select_spawn.cpp", detail::run_join,
        with(three, {workers(1), virtual_clock()}));
    add("select", "4b. select: the first wins", "example_join_select_spawn.cpp", detail::run_select,
        with(three,
             {flag("spawned", "Spawn each (abort the losers)", 0), workers(1), virtual_clock()}));
    add("spawn", "4c. spawn: in parallel", "example_join_select_spawn.cpp", detail::run_spawn,
        {ms("task_1", "task_1 sleeps", 100), ms("task_2", "task_2 sleeps", 100),
         ms("task_3", "task_3 sleeps", 100), ms("cpu", "CPU work per task (0: none)", 100),
         count("tasks", "Tasks spawned (task_4 on sleep as task_3)", 3, 3, 64), workers(5),
         virtual_clock()});
    add("stream", "5. Async streams", "example_stream.cpp", detail::run_stream,
        {ms("delay", "Delay before each item", 0), virtual_clock()});
    auto& loop = add("event-loop", "6. Event loop and graceful shutdown", "example_event_loop.cpp",
                     detail::run_event_loop,
                     {workers(5), count("senders", "Senders", 10, 1, 100),
                      count("events", "Events per sender", 1, 1, 1000),
                      count("capacity", "Channel capacity", 1000, 1, 100'000), virtual_clock()});
    loop.interactive = true;
    loop.has_shutdown = true;

    // What goes wrong: the article's parting advice, each mistake with its fix.
    const Knob fixed = flag("fixed", "Fixed (off: the mistake)", 0);
    add("blocking-worker", "What goes wrong: blocking a worker", "example_blocking_worker.cpp",
        detail::run_blocking_worker,
        {fixed, ms("copy_1", "Copy 1 blocks", 100), ms("copy_2", "Copy 2 blocks", 200),
         ms("copy_3", "Copy 3 blocks", 300), virtual_clock()});
    add("mutex-across-await", "What goes wrong: a mutex held across an await",
        "example_mutex_across_await.cpp", detail::run_mutex_across_await,
        {fixed, ms("hold", "Guard held across a sleep of", 50),
         ms("give_up", "Blocked lock gives up after", 1000, 10), virtual_clock()});
    add("lost-waker", "What goes wrong: a lost waker", "example_lost_waker.cpp",
        detail::run_lost_waker, {fixed, ms("duration", "Timer duration", 10, 1), virtual_clock()});
    add("cancel-unsafe-select", "What goes wrong: a cancel-unsafe select",
        "example_cancel_unsafe_select.cpp", detail::run_cancel_unsafe_select,
        {fixed, count("messages", "Messages", 5, 1, 100), virtual_clock()});
    add("late-subscriber", "What goes wrong: subscribing too late", "example_late_subscriber.cpp",
        detail::run_late_subscriber,
        {fixed, ms("give_up", "Main gives up on the loop after", 1000, 10), virtual_clock()});
    add("unbounded-spawn", "What goes wrong: a task per event, unbounded",
        "example_unbounded_spawn.cpp", detail::run_unbounded_spawn,
        {fixed, count("events", "Events (1 per ms)", 500, 1, 5000), virtual_clock()});
    return out;
}

} // namespace

const Knob* ExampleInfo::knob(const QString& knob_id) const {
    for (const auto& k : knobs)
        if (k.id == knob_id)
            return &k;
    return nullptr;
}

const std::vector<ExampleInfo>& examples() {
    static const std::vector<ExampleInfo> all = build();
    return all;
}

const ExampleInfo* find_example(const QString& id) {
    for (const auto& e : examples())
        if (e.id == id)
            return &e;
    return nullptr;
}

KnobValues default_knobs(const ExampleInfo& example) {
    KnobValues v;
    for (const auto& k : example.knobs)
        v[k.id] = k.value;
    return v;
}

namespace {
QString range_text(const Knob& k) {
    if (k.is_flag)
        return QStringLiteral("0 or 1");
    return QStringLiteral("%1..%2%3").arg(k.min).arg(k.max).arg(k.suffix);
}
QString knob_ids(const ExampleInfo& example) {
    QStringList ids;
    for (const auto& k : example.knobs)
        ids << k.id;
    return ids.join(QStringLiteral(", "));
}
} // namespace

std::optional<QString> validate_knobs(const ExampleInfo& example, const KnobValues& values) {
    for (const auto& [id, value] : values) {
        const Knob* k = example.knob(id);
        if (!k)
            return QStringLiteral("example '%1' has no knob '%2' (knobs: %3)")
                .arg(example.id, id, knob_ids(example));
        if (value < k->min || value > k->max)
            return QStringLiteral("knob '%1' of example '%2' is %3, out of range %4")
                .arg(id, example.id)
                .arg(value)
                .arg(range_text(*k));
    }
    return std::nullopt;
}

bool parse_knob_assignment(const ExampleInfo& example, const QString& assignment,
                           KnobValues& values, QString* error) {
    auto fail = [error](QString message) {
        if (error)
            *error = std::move(message);
        return false;
    };
    const auto eq = assignment.indexOf(QLatin1Char('='));
    if (eq <= 0)
        return fail(QStringLiteral("'%1' is not knob=value").arg(assignment));
    const QString id = assignment.left(eq).trimmed();
    const QString text = assignment.mid(eq + 1).trimmed();
    const Knob* k = example.knob(id);
    if (!k)
        return fail(QStringLiteral("example '%1' has no knob '%2' (knobs: %3)")
                        .arg(example.id, id, knob_ids(example)));
    bool ok = false;
    int value = text.toInt(&ok);
    if (!ok && k->is_flag) {
        const QString t = text.toLower();
        if (t == QLatin1String("true") || t == QLatin1String("on") || t == QLatin1String("yes"))
            value = 1, ok = true;
        else if (t == QLatin1String("false") || t == QLatin1String("off") ||
                 t == QLatin1String("no"))
            value = 0, ok = true;
    }
    if (!ok)
        return fail(QStringLiteral("knob '%1' of example '%2': '%3' is not a number (%4)")
                        .arg(id, example.id, text, range_text(*k)));
    if (value < k->min || value > k->max)
        return fail(QStringLiteral("knob '%1' of example '%2' is %3, out of range %4")
                        .arg(id, example.id)
                        .arg(value)
                        .arg(range_text(*k)));
    values[id] = value;
    return true;
}

bool wants_virtual_clock(const ExampleInfo& example, const KnobValues& values) {
    auto it = values.find(kVirtualTimeKnob);
    if (it != values.end())
        return it->second != 0;
    const Knob* k = example.knob(kVirtualTimeKnob);
    return k && k->value != 0;
}

std::shared_ptr<Clock> make_clock(const ExampleInfo& example, const KnobValues& values) {
    return wants_virtual_clock(example, values) ? Clock::make_virtual() : Clock::make_real();
}

} // namespace pollscope::examples
