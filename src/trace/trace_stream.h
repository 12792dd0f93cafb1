#pragma once
// The live stream a recording serves (trace_server.h) and a viewer reads
// (stream_client.h): standard C++ only.
//
// A stream is a sequence of frames, each `u32 length, u8 type, payload`
// (length counts type + payload), in the host's byte order (the socket is
// local). The server sends Hello first (magic, version, the program), then
// Delta frames: the first carries every table entry and event retained so
// far, each later one only what is new (TraceDelta, threads only when they
// changed), then End when the recording finishes. A program with a step gate
// (hello.can_step) also sends Gate frames when its gate's state changed. The
// viewer may send Command frames (shutdown; pause, step n, run where the
// hello allows). A reader refuses a frame it cannot use with a message: an
// unknown version, a frame larger than kMaxFrameBytes, a table id or thread
// index out of range (checked against the tables received so far, as the
// importer checks a file), an unknown command or a step of no polls.
//
// Versions: 2 added can_step to the hello, the Gate frame and the pause,
// step and run commands. A version-2 reader reads a version-1 stream (its
// hello has no can_step: no gate).

#include "recorder.h" // TraceDelta

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pollscope::trace {

inline constexpr std::uint32_t kStreamMagic = 0x52545350; // "PSTR"
inline constexpr std::uint32_t kStreamVersion = 2;
/// The oldest version a reader still reads.
inline constexpr std::uint32_t kOldestStreamVersion = 1;
/// Larger frames are refused (a garbled length must not allocate gigabytes).
inline constexpr std::uint32_t kMaxFrameBytes = 256u << 20;

enum class FrameType : std::uint8_t { Hello = 1, Delta = 2, End = 3, Gate = 4, Command = 16 };

/// What the server says first.
struct StreamHello {
    std::uint32_t version = kStreamVersion;
    std::uint64_t pid = 0;
    std::string program; // the program's name (its argv[0] file name)
    bool virtual_time = false;
    bool can_shutdown = false; // the program installed a shutdown handler
    bool can_step = false;     // the program installed a step gate (version 2)
};

/// The program's step gate (StepGate::Status), sent when it changed.
struct StreamGate {
    bool paused = false;
    std::uint32_t waiting = 0;      // workers held at the gate
    std::uint32_t waiting_task = 0; // the task the latest of them would poll (0: none)
    std::uint64_t passed = 0;       // polls started so far
    bool operator==(const StreamGate&) const = default;
};

/// What the server says last: how many events it sent in all.
struct StreamEnd {
    std::uint64_t events = 0;
    std::uint64_t dropped = 0;
};

enum class StreamCommand : std::uint8_t { Shutdown = 1, Pause = 2, Step = 3, Run = 4 };
/// A Step command's count at most (a garbled count must not run the program free).
inline constexpr std::uint32_t kMaxStepPolls = 1u << 20;

void append_hello(std::string& out, const StreamHello& hello);
/// Appends a Delta frame: `delta`'s tables (its threads only `with_threads`:
/// they changed since the last frame; no tables at all without `with_tables`)
/// and its events [first, first + count) (count clipped to what it has).
void append_delta(std::string& out, const TraceDelta& delta, bool with_tables, bool with_threads,
                  std::size_t first = 0, std::size_t count = std::size_t(-1));
/// Events per Delta frame at most (a server splits bigger deltas).
inline constexpr std::size_t kEventsPerFrame = 1 << 16;
void append_end(std::string& out, const StreamEnd& end);
void append_gate(std::string& out, const StreamGate& gate);
/// `steps`: Step's count of polls (1..kMaxStepPolls); the other commands have none.
void append_command(std::string& out, StreamCommand command, std::uint32_t steps = 0);

/// Reads a stream from bytes as they arrive, in any pieces.
class StreamDecoder {
public:
    /// One decoded frame: exactly one of the members is set.
    struct Message {
        std::optional<StreamHello> hello;
        std::optional<TraceDelta> delta;
        std::optional<StreamEnd> end;
        std::optional<StreamGate> gate;
        std::optional<StreamCommand> command;
        std::uint32_t steps = 0; // a Step command's count
    };

    /// Adds received bytes.
    void feed(std::string_view bytes);
    /// The next complete frame, if any. Returns false when none is complete
    /// yet or the stream is broken (error() is then set, and stays).
    bool next(Message& out);
    /// Why the stream was refused ("" while it is fine).
    const std::string& error() const noexcept { return error_; }
    /// Bytes received but not yet decoded.
    std::size_t buffered() const noexcept { return buffer_.size() - pos_; }

    /// Decoding a viewer's stream checks Hello comes first and table
    /// references; a server reading commands does not need tables.
    explicit StreamDecoder(bool expect_hello = true)
        : expect_hello_(expect_hello) {}

private:
    bool fail(std::string message);
    bool decode(FrameType type, std::string_view payload, Message& out);
    bool check(const TraceDelta& delta);

    std::string buffer_;
    std::size_t pos_ = 0;
    std::string error_;
    bool expect_hello_;
    bool seen_hello_ = false;
    // Table sizes so far, to check each delta's references.
    std::size_t strings_ = 0;
    std::size_t locations_ = 0;
    std::size_t threads_ = 0;
};

} // namespace pollscope::trace
