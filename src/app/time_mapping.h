#pragma once
// TimeMapping: the time <-> pixel mapping of the timeline. A plain value:
// the visible time range [start, end) in nanoseconds drawn across `width`
// pixels starting at x = `left`. Zoom and pan produce new ranges; nothing
// here knows about widgets.

#include <cstdint>

namespace pollscope::app {

struct TimeMapping {
    std::int64_t start = 0;  // ns at x = left
    std::int64_t end = 1000; // ns at x = left + width
    int left = 0;
    int width = 1;

    /// Smallest visible span: below this zooming in stops (1 ns per 8 px).
    static constexpr double kMinNsPerPixel = 1.0 / 8.0;

    std::int64_t span() const noexcept { return end - start; }
    double ns_per_pixel() const noexcept;
    /// x of time t (may lie outside [left, left + width]).
    double to_x(std::int64_t t) const noexcept;
    /// Pixel column (floor of to_x), clamped into [left - 1, left + width + 1].
    int to_column(std::int64_t t) const noexcept;
    /// Time at x.
    std::int64_t to_time(double x) const noexcept;

    /// Zooms by `factor` (> 1: in) keeping the time under x fixed.
    void zoom_about(double x, double factor) noexcept;
    /// Moves the view right by dx pixels (content moves left).
    void pan_pixels(double dx) noexcept;
    /// Shows [t0, t1] with a small margin on both sides.
    void fit(std::int64_t t0, std::int64_t t1) noexcept;
    /// Keeps the span, moves the range so that t is at the right edge.
    void follow(std::int64_t t) noexcept;
};

} // namespace pollscope::app
