#pragma once
// The examples registry: one definition of every example, shared by the GUI,
// the command line and the tests. Each example is a plain object: id, title,
// Markdown explanation (resources/examples/<id>.md), knobs, its own source
// file (shown in the code panel, line numbers intact so await sites map onto
// it) and run(), which runs the example on the calling thread and returns a
// one-line result.
//
// The shapes match the app's temporary catalogue (src/app/example_catalog.h)
// so the app can switch by changing namespaces.

#include "example_control.h"
#include "hooks.h"

#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pollscope {
class Clock;
}

namespace pollscope::examples {

/// One knob of an example: an integer in [min, max] (durations in ms), or a
/// flag (min 0, max 1, is_flag). `value` is the default.
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

/// The flag knob every timed example has: run on a virtual clock (time jumps
/// to the next deadline whenever nothing is runnable; runs are exact).
inline const QString kVirtualTimeKnob = QStringLiteral("virtual_time");

/// What run() gets: where to report, which clock, the knob values, and the
/// control channel to the GUI (shutdown, events). Knobs left out take their
/// defaults; a null clock is made from the "virtual_time" knob.
struct RunSetup {
    Hooks* hooks = nullptr;
    std::shared_ptr<Clock> clock;
    KnobValues knobs;
    ExampleControl* control = nullptr;

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
    /// Source shown in the code panel: the whole of `code_file`, so line 1 of
    /// `code` is line `code_first_line` (1) of the file the await sites name.
    QString code;
    QString code_file; // file name (no directory), e.g. "example_timer_future.cpp"
    int code_first_line = 1;
    /// The same example in Rust, written for the panel (resources/examples/<id>.rs).
    QString rust;
    /// Line of `code` (1-based) of each await -> the matching line of `rust`.
    std::map<int, int> rust_line_for_code_line;
    bool interactive = false; // takes events from ExampleControl::send_events
    bool has_shutdown = false;
    /// Runs the example on the calling thread until it ends; returns a
    /// one-line result. Throws std::invalid_argument for knob values out of
    /// range or unknown knobs (see validate_knobs).
    std::function<std::string(const RunSetup&)> run;

    const Knob* knob(const QString& knob_id) const;
};

/// Every example, in the order a list shows them. Thread-safe; the first call
/// loads the texts and sources from the library's resources.
const std::vector<ExampleInfo>& examples();
/// The example with this id, or nullptr.
const ExampleInfo* find_example(const QString& id);

/// Each knob's default value.
KnobValues default_knobs(const ExampleInfo& example);
/// An error message for the first unknown knob or value out of range, or
/// nullopt when every value is acceptable.
std::optional<QString> validate_knobs(const ExampleInfo& example, const KnobValues& values);
/// Parses "name=value" into `values`; false with *error (naming the knob and
/// its range) for an unknown knob, a value that is not an integer, or one out
/// of range. Flags take 0/1, true/false, on/off, yes/no.
bool parse_knob_assignment(const ExampleInfo& example, const QString& assignment,
                           KnobValues& values, QString* error);
/// The clock a run with these knobs wants: virtual when "virtual_time" is 1.
std::shared_ptr<Clock> make_clock(const ExampleInfo& example, const KnobValues& values);
/// True when the knobs ask for a virtual clock (the example's default if absent).
bool wants_virtual_clock(const ExampleInfo& example, const KnobValues& values);

} // namespace pollscope::examples
