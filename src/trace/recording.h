#pragma once
// Recording: records a whole program in one line.
//
//     pollscope::trace::Recording recording{"out.pollscope.json"};
//
// While it lives, every pollscope::Runtime created without its own
// RuntimeOptions::hooks records into it (default_hooks.h); when it is
// destroyed it writes the trace (Pollscope's Chrome JSON, which the app, the
// `pollscope` command line and ui.perfetto.dev open) atomically: the file is
// replaced only once complete, so a failed write never loses a previous file.
// Declare it before the runtimes (so it outlives them): events recorded after
// it was written are not in the file.
//
// Errors: finish() returns false with the reason; the destructor, which
// cannot, prints "pollscope: cannot write PATH: reason" on stderr. The
// constructor warns on stderr at once when the file's folder is not writable.
//
// Long runs: ring_capacity > 0 keeps about the last that many events; the
// file's "dropped" field (and dropped()) says how many older ones were
// discarded.
//
// Live: RecordingOptions::serve names a Unix domain socket the recording
// also serves its events on while it lives (trace_server.h), for
// `pollscope --attach PATH` or File > Attach. The path may then be empty: no
// file. A viewer may attach at any time and gets every event retained so far;
// the program never waits for it (wait_for_viewer() if it wants to).
//
// RecordingOptions::step_gate (serving only) installs a step gate: the
// viewer's Pause, Step and Run then hold the program's polls at their start
// and let them through one at a time, as for the window's examples; when the
// viewer leaves, the polls run freely again.
//
// RecordingOptions::stop_when_viewer_leaves (serving only) stops recording
// when the viewer leaves, at poll boundaries; by default recording goes on.
//
// Without code changes to the path: Recording::from_env() reads
// POLLSCOPE_TRACE (the file), POLLSCOPE_TRACE_RING (a ring capacity),
// POLLSCOPE_SERVE (a socket path), POLLSCOPE_SERVE_WAIT (seconds to wait
// for a viewer before the program goes on), POLLSCOPE_SERVE_STEP=1 (the
// step gate) and POLLSCOPE_SERVE_STOP_ON_LEAVE=1 (stop when the viewer leaves).

#include "recorder.h"
#include "trace_server.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace pollscope::trace {

struct RecordingOptions {
    std::size_t ring_capacity = 0; // 0: keep every event
    bool per_worker = false;       // the Chrome view's tracks per thread instead of per task
    /// Print one line on stderr when the file is written (path, events, dropped).
    bool report = false;
    /// A Unix domain socket path to serve the events on live ("": none).
    std::string serve;
    /// Serving: the viewer may pause, step and run the program's polls.
    /// Costs a lock per poll.
    bool step_gate = false;
    /// Serving: when the first viewer leaves (or is dropped), recording stops
    /// for good, at each thread's next poll boundary (no poll is cut in two);
    /// the file then holds what was recorded until then. Default: it goes on.
    bool stop_when_viewer_leaves = false;
};

class RecordingSwitch;
class StepGate;

class Recording {
public:
    /// Starts recording every runtime created from now on (and serving, with
    /// options.serve). `path` "" writes no file. Throws std::logic_error when
    /// another Recording is live (one at a time), std::runtime_error when it
    /// cannot serve ("cannot serve on PATH: reason").
    explicit Recording(std::string path, RecordingOptions options = {});
    /// finish() unless called already, reporting a failure on stderr (never throws).
    ~Recording();
    Recording(const Recording&) = delete;
    Recording& operator=(const Recording&) = delete;

    /// POLLSCOPE_TRACE=PATH records to PATH; POLLSCOPE_TRACE_RING=N adds ring
    /// mode; POLLSCOPE_SERVE=SOCKET serves live (waiting up to
    /// POLLSCOPE_SERVE_WAIT seconds for a viewer; POLLSCOPE_SERVE_STEP=1: with
    /// a step gate; POLLSCOPE_SERVE_STOP_ON_LEAVE=1: stop_when_viewer_leaves). Reports the written
    /// file on stderr. nullptr when neither POLLSCOPE_TRACE nor POLLSCOPE_SERVE is set; throws
    /// std::invalid_argument for a bad number or switch, std::runtime_error when it cannot serve.
    static std::unique_ptr<Recording> from_env();

    /// Stops recording new runtimes and writes the file now (once: later
    /// calls return the first one's result, the destructor does nothing more). Returns false with
    /// *error
    /// ("cannot write PATH: reason") when the file could not be written; the
    /// previous file at PATH is then left as it was.
    bool finish(std::string* error = nullptr);

    /// Serving only: blocks until a viewer attached or `timeout` passed.
    bool wait_for_viewer(std::chrono::milliseconds timeout);
    /// Lets a viewer's Shutdown button call `handler` (on the server's
    /// thread; e.g. send the program's shutdown broadcast). Set before the
    /// viewer attaches.
    void on_shutdown_request(std::function<void()> handler);
    /// The socket served on, or "".
    std::string serving() const;

    const std::string& path() const noexcept { return path_; }
    /// The recorder runtimes record into (for a live view, or a RuntimeOptions
    /// that names its hooks explicitly).
    TraceRecorder& recorder() noexcept { return *recorder_; }
    /// Still recording (false once stopped because the viewer left).
    bool recording() const;
    /// Events the ring discarded so far (0 without ring mode).
    std::uint64_t dropped() const { return recorder_->dropped(); }
    bool finished() const noexcept { return finished_; }

private:
    std::string path_;
    RecordingOptions options_;
    std::shared_ptr<TraceRecorder> recorder_;
    std::shared_ptr<RecordingSwitch> switch_; // with options.stop_when_viewer_leaves
    std::shared_ptr<StepGate> gate_;          // with options.step_gate
    std::shared_ptr<Hooks> installed_;        // what runtimes record into
    std::unique_ptr<TraceServer> server_;
    bool finished_ = false;
    bool written_ = false;
};

} // namespace pollscope::trace
