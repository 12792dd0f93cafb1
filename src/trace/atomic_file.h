#pragma once
// Writing a file whole or not at all (standard C++ and POSIX, no Qt): the
// content goes to a temporary file beside the target, is flushed to disk, and
// only then renamed over the target. A failed write (a full disk, a missing
// folder, no permission) leaves the previous file as it was and no temporary
// file behind. The exporter (trace_file.h) and trace::Recording both save
// through it.

#include "chrome_json.h" // Sink

#include <functional>
#include <string>

namespace pollscope::trace {

/// Calls `write` with a sink into the temporary file and renames it over
/// `path` if `write` returned true and every block was written. A symbolic
/// link is followed (its target is replaced); a target that exists and is not
/// a regular file (a FIFO, a device) is refused. The new file has the old
/// one's permissions, or 0666 minus the umask. On failure returns false with
/// *error (if given) "cannot write PATH: reason".
bool write_file_atomically(const std::string& path, const std::function<bool(const Sink&)>& write,
                           std::string* error = nullptr);

} // namespace pollscope::trace
