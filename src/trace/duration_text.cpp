#include "duration_text.h"

#include <cstdio>

namespace pollscope::trace {

std::string duration_text(std::int64_t ns, DurationStyle style) {
    if (ns < 0)
        return "-";
    const bool compact = style == DurationStyle::Compact;
    const char* sep = compact ? "" : " ";
    char buf[48];
    if (ns < 1'000) {
        std::snprintf(buf, sizeof buf, "%lld%sns", static_cast<long long>(ns), sep);
        return buf;
    }
    const double v = double(ns);
    // Spaced: three significant digits up to the unit's 100s (12.3 µs,
    // 2.50 ms), seconds with three decimals; compact: always two decimals.
    struct Unit {
        double scale;
        const char* name;
    };
    const Unit u = ns < 1'000'000       ? Unit{1e3, "µs"}
                   : ns < 1'000'000'000 ? Unit{1e6, "ms"}
                                        : Unit{1e9, "s"};
    const double x = v / u.scale;
    const int decimals = compact ? 2 : u.scale == 1e9 ? 3 : x < 10 ? 2 : 1;
    std::snprintf(buf, sizeof buf, "%.*f%s%s", decimals, x, sep, u.name);
    return buf;
}

} // namespace pollscope::trace
