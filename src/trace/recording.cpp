#include "recording.h"

#include "atomic_file.h"
#include "chrome_json.h"
#include "default_hooks.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace pollscope::trace {

namespace {

/// The folder the file will be created in is writable (a warning at the start
/// beats finding out after a long run).
bool folder_writable(const std::string& path) {
    namespace fs = std::filesystem;
    fs::path folder = fs::path(path).parent_path();
    if (folder.empty())
        folder = ".";
    return ::access(folder.c_str(), W_OK | X_OK) == 0;
}

std::size_t parse_ring(const char* text) {
    const std::string_view s(text);
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || end != s.data() + s.size())
        throw std::invalid_argument("POLLSCOPE_TRACE_RING must be a number of events, not '" +
                                    std::string(s) + "'");
    return n;
}

} // namespace

Recording::Recording(std::string path, RecordingOptions options)
    : path_(std::move(path))
    , options_(options)
    , recorder_(std::make_shared<TraceRecorder>(
          RecorderOptions{.ring_capacity = options.ring_capacity})) {
    if (!install_default_hooks(recorder_))
        throw std::logic_error("pollscope::trace::Recording: another Recording is live");
    if (!folder_writable(path_))
        std::fprintf(stderr,
                     "pollscope: warning: the trace %s cannot be created there "
                     "(folder missing or not writable)\n",
                     path_.c_str());
}

Recording::~Recording() {
    if (finished_) // finish() told its caller already
        return;
    std::string error;
    try {
        if (!finish(&error))
            std::fprintf(stderr, "pollscope: %s\n", error.c_str());
    } catch (const std::exception& e) { // out of memory while exporting
        std::fprintf(stderr, "pollscope: cannot write %s: %s\n", path_.c_str(), e.what());
    }
}

std::unique_ptr<Recording> Recording::from_env() {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, at the program's start
    const char* path = std::getenv("POLLSCOPE_TRACE");
    if (!path || !*path)
        return nullptr;
    RecordingOptions options;
    options.report = true;
    // NOLINTNEXTLINE(concurrency-mt-unsafe)
    if (const char* ring = std::getenv("POLLSCOPE_TRACE_RING"); ring && *ring)
        options.ring_capacity = parse_ring(ring);
    return std::make_unique<Recording>(path, options);
}

bool Recording::finish(std::string* error) {
    if (finished_)
        return written_;
    finished_ = true;
    remove_default_hooks(recorder_.get());
    const Trace trace = recorder_->snapshot();
    ChromeOptions chrome;
    chrome.per_worker = options_.per_worker;
    const bool ok = write_file_atomically(
        path_, [&](const Sink& sink) { return write_chrome_json(trace, sink, chrome); }, error);
    written_ = ok;
    if (ok && options_.report)
        std::fprintf(stderr, "pollscope: trace written to %s (%zu events, %llu dropped)\n",
                     path_.c_str(), trace.events.size(),
                     static_cast<unsigned long long>(trace.dropped));
    return ok;
}

} // namespace pollscope::trace
