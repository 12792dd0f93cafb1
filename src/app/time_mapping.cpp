#include "time_mapping.h"

#include <algorithm>
#include <cmath>

namespace pollscope::app {

double TimeMapping::ns_per_pixel() const noexcept {
    return double(span()) / double(std::max(width, 1));
}

double TimeMapping::to_x(std::int64_t t) const noexcept {
    const auto s = span();
    if (s <= 0)
        return left;
    return left + double(t - start) * double(std::max(width, 1)) / double(s);
}

int TimeMapping::to_column(std::int64_t t) const noexcept {
    const double x = std::floor(to_x(t));
    return int(std::clamp(x, double(left - 1), double(left + width + 1)));
}

std::int64_t TimeMapping::to_time(double x) const noexcept {
    return start + std::int64_t(std::llround((x - left) * ns_per_pixel()));
}

void TimeMapping::zoom_about(double x, double factor) noexcept {
    if (factor <= 0)
        return;
    const double anchor = start + (x - left) * ns_per_pixel();
    double new_span = double(span()) / factor;
    new_span = std::max(new_span, kMinNsPerPixel * std::max(width, 1));
    new_span = std::max(new_span, 1.0);
    const double frac = (x - left) / double(std::max(width, 1));
    const double new_start = anchor - frac * new_span;
    start = std::int64_t(std::llround(new_start));
    end = start + std::int64_t(std::llround(new_span));
}

void TimeMapping::pan_pixels(double dx) noexcept {
    const auto d = std::int64_t(std::llround(dx * ns_per_pixel()));
    start += d;
    end += d;
}

void TimeMapping::fit(std::int64_t t0, std::int64_t t1) noexcept {
    if (t1 < t0)
        std::swap(t0, t1);
    std::int64_t s = std::max<std::int64_t>(t1 - t0, 1000);
    const std::int64_t margin = std::max<std::int64_t>(s / 50, 1);
    start = t0 - margin;
    end = t0 + s + margin;
}

void TimeMapping::follow(std::int64_t t) noexcept {
    const auto s = span();
    const std::int64_t margin = s / 20;
    end = t + margin;
    start = end - s;
}

} // namespace pollscope::app
