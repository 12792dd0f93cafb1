#pragma once
// TraceServer: serves a recorder's events live on a Unix domain socket, for
// `pollscope --attach PATH` (POSIX, standard C++, no Qt).
//
// One thread of its own accepts a viewer, then every few milliseconds drains
// the recorder with a cursor of that viewer's (TraceRecorder::drain: the
// first delta holds every table entry and event retained so far, later ones
// only what is new) and sends it as a trace_stream.h frame. The program's
// workers never wait for it: they only append to the recorder. A slow viewer
// only slows this thread; meanwhile the recorder keeps the events (or, in
// ring mode, drops the oldest and the stream says how many). One viewer at a
// time; when it goes, the next one may attach and gets everything again.
// A viewer may ask for shutdown: the handler set by the program runs on the
// server's thread. With a step gate (set_step_gate) the viewer may also pause
// the program's polls, step them and run them again; the server sends the
// gate's state when it changed. When the viewer leaves (or is dropped), the
// gate runs freely, so the program never waits for a window that is gone,
// and the program's viewer_left handler runs (e.g. to stop recording).

#include "trace_stream.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace pollscope::trace {

class StepGate;
class TraceRecorder;

class TraceServer {
public:
    /// How often the server drains the recorder while a viewer is attached.
    static constexpr int kPeriodMs = 10;

    /// Listens on `path` (a stale socket file left by a dead program is
    /// replaced; any other file there is not). nullptr with *error when it
    /// cannot ("cannot serve on PATH: reason").
    static std::unique_ptr<TraceServer> listen(std::shared_ptr<TraceRecorder> recorder,
                                               const std::string& path, StreamHello hello,
                                               std::string* error = nullptr);
    /// finish() unless called already.
    ~TraceServer();
    TraceServer(const TraceServer&) = delete;
    TraceServer& operator=(const TraceServer&) = delete;

    /// Runs `handler` (on the server's thread) when a viewer asks for shutdown;
    /// set before a viewer attaches (its hello says whether there is one).
    void set_shutdown_handler(std::function<void()> handler);
    /// Lets viewers pause, step and run the polls held by `gate` (a hello
    /// says so); set before a viewer attaches.
    void set_step_gate(std::shared_ptr<StepGate> gate);
    /// Runs `handler` (on the server's thread) each time a viewer leaves or
    /// is dropped; set before a viewer attaches.
    void set_viewer_left_handler(std::function<void()> handler);
    /// Blocks until a viewer is attached or `timeout` passed; true if one is.
    bool wait_for_viewer(std::chrono::milliseconds timeout);
    /// Sends what is left and the end frame to the viewer attached (giving up
    /// on one that reads nothing for 5 s), then stops and removes the socket
    /// file. Returns what the last viewer was sent.
    StreamEnd finish();

    const std::string& path() const noexcept { return path_; }
    /// Viewers attached so far.
    std::uint64_t viewers() const;

private:
    TraceServer(std::shared_ptr<TraceRecorder> recorder, std::string path, StreamHello hello,
                int listen_fd, int wake_read, int wake_write);
    void work();
    void accept_viewer();
    /// Drains the recorder and sends the delta; false when the viewer is gone.
    bool send_new_events();
    /// Reads the viewer's commands; false when it hung up.
    bool read_commands();
    /// Sends the gate's state if it changed since the last one sent.
    bool send_gate();
    /// Writes all of `bytes`, waiting for the socket at most `patience` at a
    /// time; false (the viewer is dropped) when it fails or stalls.
    bool send_all(const std::string& bytes, std::chrono::milliseconds patience);
    void drop_viewer();

    std::shared_ptr<TraceRecorder> recorder_;
    const std::string path_;
    StreamHello hello_;
    int listen_fd_ = -1;
    int wake_read_ = -1, wake_write_ = -1; // wakes the thread for finish()
    std::thread thread_;

    mutable std::mutex m_;
    std::condition_variable viewer_cv_;
    std::function<void()> shutdown_handler_;
    std::function<void()> viewer_left_handler_;
    std::shared_ptr<StepGate> gate_;
    bool finishing_ = false;
    bool finished_ = false;
    std::uint64_t viewers_ = 0;
    bool attached_ = false;
    StreamEnd last_end_;

    // The server thread's own.
    int client_ = -1;
    ReadCursor cursor_;
    std::vector<ThreadInfo> sent_threads_;
    std::uint64_t sent_events_ = 0;
    std::optional<StreamGate> sent_gate_;
    // Reused from drain to drain: a fresh vector each time cost reallocations
    // and page faults (a perf profile of pollscope-bench --trace --serve).
    TraceDelta delta_;
    StreamDecoder commands_{false};
    std::string out_;
};

} // namespace pollscope::trace
