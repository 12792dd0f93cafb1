#pragma once
// The app's view of the examples: the examples registry (src/examples), one
// definition of every example shared with the command line and the tests.
// The window uses the registry's types under the app's namespace.

#include "example_control.h"
#include "example_registry.h"

#include <vector>

namespace pollscope::app {

using Knob = pollscope::examples::Knob;
using KnobValues = pollscope::examples::KnobValues;
using RunSetup = pollscope::examples::RunSetup;
using ExampleInfo = pollscope::examples::ExampleInfo;
using ExampleControl = pollscope::examples::ExampleControl;

/// The knob of every timed example that picks the virtual clock. The panel
/// shows it as its single "Clock" check box, not as a knob of its own.
inline const QString& virtual_time_knob() {
    return pollscope::examples::kVirtualTimeKnob;
}

/// Every example, in the order the list shows them.
inline const std::vector<ExampleInfo>& examples() {
    return pollscope::examples::examples();
}
/// The example with this id, or nullptr.
inline const ExampleInfo* find_example(const QString& id) {
    return pollscope::examples::find_example(id);
}

} // namespace pollscope::app
