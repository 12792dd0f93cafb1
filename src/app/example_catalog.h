#pragma once
// The app's view of the examples: what the window needs from an example
// (id, title, Markdown explanation, knobs, code, run()). An adapter: the
// examples registry (src/examples) is wired in example_catalog.cpp; until it
// exists the app's own minimal demonstrations (builtin_examples.cpp) fill in.

#include "hooks.h"
#include "run_control.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pollscope {
class Clock;
}

namespace pollscope::app {

/// One knob of an example: an integer in [min, max] (durations in ms), or a
/// flag (min 0, max 1, is_flag).
struct Knob {
    QString id;
    QString label;
    int value = 0;
    int min = 0;
    int max = 100;
    QString suffix; // " ms", " workers"...
    bool is_flag = false;
};

using KnobValues = std::map<QString, int>;

/// What run() gets: where to report, which clock, the knob values, and the
/// control channel to the GUI (shutdown, events).
struct RunSetup {
    Hooks* hooks = nullptr;
    std::shared_ptr<Clock> clock;
    KnobValues knobs;
    RunControl* control = nullptr;

    int knob(const QString& id, int fallback) const {
        auto it = knobs.find(id);
        return it == knobs.end() ? fallback : it->second;
    }
};

struct ExampleInfo {
    QString id;
    QString title;
    QString markdown;
    std::vector<Knob> knobs;
    /// Source shown in the code panel; line 1 of `code` is line `code_first_line` of `code_file`.
    QString code;
    QString code_file; // file name (no directory) the await sites refer to
    int code_first_line = 1;
    bool interactive = false; // offers "send event" buttons
    bool has_shutdown = false;
    /// Runs on a worker thread until the example ends; returns a one-line result.
    std::function<std::string(const RunSetup&)> run;
};

/// Every example, in the order the list shows them.
const std::vector<ExampleInfo>& examples();
/// The example with this id, or nullptr.
const ExampleInfo* find_example(const QString& id);

/// The app's built-in demonstrations (used when src/examples is absent).
std::vector<ExampleInfo> builtin_examples();

} // namespace pollscope::app
