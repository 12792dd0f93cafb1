#pragma once
// Reads back a file written by write_chrome_json (with include_raw). A hand
// parser of our own format: fast (it walks traceEvents without building
// anything) and strict. Any malformed or foreign input yields an error naming
// where (line, column, byte offset, JSON path) and what is wrong; never a crash
// or unbounded recursion (nesting deeper than 256 is an error).

#include "event.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pollscope::trace {

struct ImportError {
    std::size_t offset = 0; // bytes from the start
    std::size_t line = 1, column = 1;
    std::string path;    // JSON path, e.g. $.pollscope.events[12][2]
    std::string message; // what is wrong
    /// "line 3, column 14 (byte 52), at $.pollscope.events[0]: expected a number"
    std::string to_string() const;
};

/// The trace, or nullopt with *error filled in.
/// Told how far the reading is, a fraction of the input (see chrome_json.h).
using Progress = std::function<void(double)>;

std::optional<Trace> import_trace_json(std::string_view json, ImportError* error = nullptr,
                                       const Progress& progress = {});

} // namespace pollscope::trace
