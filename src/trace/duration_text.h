#pragma once
// How a duration is written, everywhere: the window, the command line, the
// statistics' warnings. One definition, two densities.

#include <cstdint>
#include <string>

namespace pollscope::trace {

enum class DurationStyle {
    Spaced,  // "12.3 µs", "2.50 ms": prose, tooltips, table cells
    Compact, // "12.30µs", "2.50ms": fixed two decimals, for aligned text tables
};

/// `ns` in the largest unit below 1000 of it; "-" for a negative value.
std::string duration_text(std::int64_t ns, DurationStyle style = DurationStyle::Spaced);

} // namespace pollscope::trace
