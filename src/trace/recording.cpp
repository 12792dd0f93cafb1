#include "recording.h"

#include "atomic_file.h"
#include "chrome_json.h"
#include "default_hooks.h"
#include "recording_switch.h"
#include "step_gate.h"

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

/// An environment variable's whole number, `what` saying what it counts.
std::size_t parse_count(const char* name, const char* text, const char* what) {
    const std::string_view s(text);
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || end != s.data() + s.size())
        throw std::invalid_argument(std::string(name) + " must be a number of " + what + ", not '" +
                                    std::string(s) + "'");
    return n;
}

/// An environment variable's on/off: "1" or "0" ("" is off).
bool parse_switch(const char* name, const std::string& text) {
    if (text.empty() || text == "0")
        return false;
    if (text == "1")
        return true;
    throw std::invalid_argument(std::string(name) + " must be 1 or 0, not '" + text + "'");
}

/// The program's name, for a viewer's title.
std::string program_name() {
    std::string name;
    if (std::FILE* f = std::fopen("/proc/self/comm", "r")) {
        char buf[64] = {};
        if (std::fgets(buf, sizeof buf, f))
            name = buf;
        std::fclose(f);
    }
    while (!name.empty() && name.back() == '\n')
        name.pop_back();
    return name;
}

} // namespace

Recording::Recording(std::string path, RecordingOptions options)
    : path_(std::move(path))
    , options_(options)
    , recorder_(
          std::make_shared<TraceRecorder>(RecorderOptions{.ring_capacity = options.ring_capacity}))
    , installed_(recorder_) {
    if (!options_.serve.empty()) {
        StreamHello hello;
        hello.pid = std::uint64_t(::getpid());
        hello.program = program_name();
        std::string error;
        server_ = TraceServer::listen(recorder_, options_.serve, hello, &error);
        if (!server_)
            throw std::runtime_error(error);
        if (options_.stop_when_viewer_leaves) { // the gate (if any) in front of it
            switch_ = std::make_shared<RecordingSwitch>(installed_);
            installed_ = switch_;
            server_->set_viewer_left_handler([s = switch_] { s->turn_off(); });
        }
        if (options_.step_gate) {
            gate_ = std::make_shared<StepGate>(installed_);
            installed_ = gate_;
            server_->set_step_gate(gate_);
        }
    }
    if (!install_default_hooks(installed_))
        throw std::logic_error("pollscope::trace::Recording: another Recording is live");
    if (!path_.empty() && !folder_writable(path_))
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
    // Read once, at the program's start.
    const auto env = [](const char* name) {
        const char* v = std::getenv(name); // NOLINT(concurrency-mt-unsafe)
        return std::string(v ? v : "");
    };
    const std::string path = env("POLLSCOPE_TRACE");
    RecordingOptions options;
    options.serve = env("POLLSCOPE_SERVE");
    if (path.empty() && options.serve.empty())
        return nullptr;
    options.report = true;
    if (const auto ring = env("POLLSCOPE_TRACE_RING"); !ring.empty())
        options.ring_capacity = parse_count("POLLSCOPE_TRACE_RING", ring.c_str(), "events");
    options.step_gate = parse_switch("POLLSCOPE_SERVE_STEP", env("POLLSCOPE_SERVE_STEP"));
    options.stop_when_viewer_leaves =
        parse_switch("POLLSCOPE_SERVE_STOP_ON_LEAVE", env("POLLSCOPE_SERVE_STOP_ON_LEAVE"));
    std::size_t wait = 0;
    if (const auto w = env("POLLSCOPE_SERVE_WAIT"); !w.empty())
        wait = parse_count("POLLSCOPE_SERVE_WAIT", w.c_str(), "seconds");
    auto recording = std::make_unique<Recording>(path, options);
    if (!options.serve.empty()) {
        std::fprintf(stderr, "pollscope: serving on %s (attach: pollscope --attach %s)\n",
                     options.serve.c_str(), options.serve.c_str());
        if (wait > 0 && !recording->wait_for_viewer(std::chrono::seconds(wait)))
            std::fprintf(stderr, "pollscope: no viewer attached within %zu s; going on\n", wait);
    }
    return recording;
}

bool Recording::finish(std::string* error) {
    if (finished_)
        return written_;
    finished_ = true;
    remove_default_hooks(installed_.get());
    if (gate_) // nothing is stepped any more: polls still to come run freely
        gate_->release();
    if (server_) { // the viewer gets everything, then the end
        const StreamEnd end = server_->finish();
        if (options_.report && server_->viewers() > 0)
            std::fprintf(stderr, "pollscope: %llu events sent to the viewer\n",
                         static_cast<unsigned long long>(end.events));
    }
    if (path_.empty()) {
        written_ = true;
        return true;
    }
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

bool Recording::wait_for_viewer(std::chrono::milliseconds timeout) {
    return server_ && server_->wait_for_viewer(timeout);
}

void Recording::on_shutdown_request(std::function<void()> handler) {
    if (server_)
        server_->set_shutdown_handler(std::move(handler));
}

bool Recording::recording() const {
    return !finished_ && (!switch_ || switch_->on());
}

std::string Recording::serving() const {
    return server_ ? server_->path() : std::string();
}

} // namespace pollscope::trace
