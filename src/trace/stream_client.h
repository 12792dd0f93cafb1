#pragma once
// StreamClient: a viewer's end of a program's live stream (trace_server.h),
// over a Unix domain socket; POSIX and standard C++. connect() waits for the
// program's hello; then a thread of the client's own reads the socket as fast
// as the program sends (so a viewer slow to show never makes the program
// wait) and keeps what arrived, merged into one delta, until drain() takes it
// (for a TimelineFeed). The stream ends with
// the program's end frame (state Ended), or the connection breaks: the
// program exited without finishing its recording, was killed, or sent what
// this version cannot read (Lost, Broken, with the reason). Either way what
// arrived before is kept by whoever applied it.

#include "delta_source.h"
#include "trace_stream.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace pollscope::trace {

class StreamClient final : public DeltaSource {
public:
    enum class State { Attached, Ended, Lost, Broken };

    /// Connects to the program serving on `path` and waits up to `timeout`
    /// for its hello. nullptr with *error ("cannot attach to PATH: reason").
    static std::unique_ptr<StreamClient>
    connect(const std::string& path, std::string* error = nullptr,
            std::chrono::milliseconds timeout = std::chrono::seconds(3));
    ~StreamClient() override;
    StreamClient(const StreamClient&) = delete;
    StreamClient& operator=(const StreamClient&) = delete;

    /// Everything received since the last call, as one delta (no waiting
    /// for the socket). Once state() has left Attached, one more call
    /// returns the rest.
    void drain(TraceDelta& delta) override;

    const StreamHello& hello() const noexcept { return hello_; }
    const std::string& path() const noexcept { return path_; }
    /// Any thread.
    State state() const;
    /// Why the stream stopped (Lost, Broken), else "".
    std::string problem() const;
    /// The program's end frame (State::Ended).
    StreamEnd end() const;
    /// Events received so far.
    std::uint64_t events() const;
    /// The program's time at its last delta (trace ns); -1 before one.
    std::int64_t now() const;
    /// Asks the program to shut down (its handler runs); false when it has
    /// none or the stream is over. Any thread.
    bool request_shutdown() const;
    /// Holds the program's polls at their start / lets `n` more start / lets
    /// them run (its step gate, hello().can_step); false when it has none or
    /// the stream is over. gate() says paused at once (the program's
    /// next gate frame confirms). Any thread.
    bool request_pause();
    bool request_step(std::uint32_t n = 1);
    bool request_run();
    /// The program's step gate as last reported (paused as last asked).
    StreamGate gate() const;
    /// Events the program's ring discarded before the stream sent them (the
    /// viewer never got them), in all.
    std::uint64_t missed() const;
    /// Events the program's ring discarded so far (the latest delta's count).
    std::uint64_t dropped() const;

private:
    StreamClient(int fd, std::string path);
    /// Reads what the socket has into the decoder; false when it closed or broke.
    bool receive();
    /// The reader thread: receives and decodes until the stream is over.
    void read_all();
    /// Decodes the frames received so far into pending_; false at the end frame.
    bool decode_pending();
    void stop(State state, std::string problem);
    /// Sends a command frame; false when the stream is over.
    bool send_command(StreamCommand command, std::uint32_t steps = 0) const;
    /// Adds a decoded delta to `into`.
    static void merge(TraceDelta& into, TraceDelta&& delta);

    int fd_ = -1;
    const std::string path_;
    StreamHello hello_;
    StreamDecoder decoder_;                // connect(), then the reader thread's
    int wake_read_ = -1, wake_write_ = -1; // stops the reader
    std::thread reader_;

    mutable std::mutex m_;
    TraceDelta pending_; // received, not drained yet
    bool has_pending_ = false;
    State state_ = State::Attached;
    std::string problem_;
    StreamEnd end_;
    std::uint64_t events_ = 0;
    std::int64_t now_ = -1;
    StreamGate gate_;
    std::uint64_t missed_ = 0;
    std::uint64_t dropped_ = 0;
};

} // namespace pollscope::trace
