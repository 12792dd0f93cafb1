#pragma once
// Trace files with Qt (library pollscope_trace_io): saving goes through
// write_file_atomically (atomic_file.h: a temporary file renamed over the
// target only when complete), so a failed export never leaves half a file.

#include "event.h"

#include <QString>

#include <functional>
#include <optional>

namespace pollscope::trace {

enum class FileFormat { ChromeJson, Csv };

/// "chrome"/"json" -> ChromeJson, "csv" -> Csv; nullopt otherwise.
std::optional<FileFormat> format_from_name(const QString& name);

struct SaveOptions {
    FileFormat format = FileFormat::ChromeJson;
    bool per_worker = false; // Chrome tracks per thread instead of per task
};

/// false with *error set (file name and reason) on failure.
/// `progress` (optional) hears the fraction written, on the calling thread.
bool save_trace(const QString& path, const Trace& trace, const SaveOptions& options = {},
                QString* error = nullptr, const std::function<void(double)>& progress = {});

/// Opens a Pollscope Chrome JSON export; nullopt with *error (file name, where, what).
/// `progress` (optional) hears the fraction read.
std::optional<Trace> load_trace(const QString& path, QString* error = nullptr,
                                const std::function<void(double)>& progress = {});

} // namespace pollscope::trace
