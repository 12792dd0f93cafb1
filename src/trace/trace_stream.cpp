#include "trace_stream.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

namespace pollscope::trace {

namespace {

/// Appends plain values in the host's byte order.
class Writer {
public:
    explicit Writer(std::string& out)
        : out_(out) {}
    template <class T>
    requires std::is_trivially_copyable_v<T>
    void put(T v) {
        char b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T));
        out_.append(b, sizeof(T));
    }
    void put_bytes(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
    void put_string(std::string_view s) {
        put(std::uint32_t(s.size()));
        out_.append(s);
    }

private:
    std::string& out_;
};

/// Frames `payload` written by `body` as `u32 length, u8 type, payload`.
template <class Body> void frame(std::string& out, FrameType type, Body&& body) {
    const std::size_t at = out.size();
    out.append(sizeof(std::uint32_t), '\0');
    out.push_back(char(type));
    Writer w(out);
    body(w);
    const auto length = std::uint32_t(out.size() - at - sizeof(std::uint32_t));
    std::memcpy(out.data() + at, &length, sizeof length);
}

/// Reads plain values; any read past the end makes ok() false.
class Reader {
public:
    explicit Reader(std::string_view s)
        : s_(s) {}
    template <class T>
    requires std::is_trivially_copyable_v<T> T get() {
        T v{};
        if (s_.size() - pos_ < sizeof(T)) {
            ok_ = false;
            pos_ = s_.size();
            return v;
        }
        std::memcpy(&v, s_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    void get_bytes(void* p, std::size_t n) {
        if (s_.size() - pos_ < n) {
            ok_ = false;
            pos_ = s_.size();
            return;
        }
        if (n > 0)
            std::memcpy(p, s_.data() + pos_, n);
        pos_ += n;
    }
    std::string get_string() {
        const auto n = get<std::uint32_t>();
        if (!ok_ || s_.size() - pos_ < n) {
            ok_ = false;
            return {};
        }
        std::string v(s_.substr(pos_, n));
        pos_ += n;
        return v;
    }
    /// A count of items of at least `min_bytes` each: refused when the rest
    /// of the frame cannot hold them (no huge reservation from a bad count).
    std::uint32_t get_count(std::size_t min_bytes) {
        const auto n = get<std::uint32_t>();
        if (ok_ && n > (s_.size() - pos_) / min_bytes) {
            ok_ = false;
            return 0;
        }
        return ok_ ? n : 0;
    }
    bool ok() const noexcept { return ok_; }
    bool at_end() const noexcept { return pos_ == s_.size(); }

private:
    std::string_view s_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

constexpr std::size_t kEventBytes = 8 + 4 + 4 + 4 + 2 + 1 + 1;
// An Event is sent as its bytes: its fields in order, no padding.
static_assert(sizeof(Event) == kEventBytes && std::is_trivially_copyable_v<Event>);
static_assert(offsetof(Event, task) == 8 && offsetof(Event, arg) == 12 &&
              offsetof(Event, arg2) == 16 && offsetof(Event, thread) == 20 &&
              offsetof(Event, kind) == 22 && offsetof(Event, flag) == 23);
constexpr std::size_t kThreadBytes = 8 + 4 + 4;
constexpr std::size_t kLocationBytes = 4 * 4;

} // namespace

void append_hello(std::string& out, const StreamHello& hello) {
    frame(out, FrameType::Hello, [&](Writer& w) {
        w.put(kStreamMagic);
        w.put(hello.version);
        w.put(hello.pid);
        w.put(std::uint8_t(hello.virtual_time));
        w.put(std::uint8_t(hello.can_shutdown));
        if (hello.version >= 2)
            w.put(std::uint8_t(hello.can_step));
        w.put_string(hello.program);
    });
}

void append_delta(std::string& out, const TraceDelta& d, bool with_tables, bool with_threads,
                  std::size_t first, std::size_t count) {
    first = std::min(first, d.events.size());
    count = std::min(count, d.events.size() - first);
    const std::vector<std::string> no_strings;
    const std::vector<SourceLoc> no_locations;
    const std::vector<ThreadInfo> no_threads;
    const auto& strings = with_tables ? d.strings : no_strings;
    const auto& locations = with_tables ? d.locations : no_locations;
    const auto& threads = with_tables && with_threads ? d.threads : no_threads;
    frame(out, FrameType::Delta, [&](Writer& w) {
        w.put(d.now);
        w.put(d.dropped);
        w.put(d.missed);
        w.put(std::uint8_t(d.virtual_time));
        w.put(std::uint32_t(d.strings_from + (with_tables ? 0 : d.strings.size())));
        w.put(std::uint32_t(strings.size()));
        for (const auto& s : strings)
            w.put_string(s);
        w.put(std::uint32_t(d.locations_from + (with_tables ? 0 : d.locations.size())));
        w.put(std::uint32_t(locations.size()));
        for (const auto& l : locations) {
            w.put(l.file);
            w.put(l.function);
            w.put(l.line);
            w.put(l.column);
        }
        w.put(std::uint32_t(threads.size()));
        for (const auto& t : threads) {
            w.put(t.os_id);
            w.put(t.worker);
            w.put(t.name);
        }
        w.put(std::uint32_t(count));
        // Events as they lie in memory (no padding: the fields in order).
        w.put_bytes(d.events.data() + first, count * sizeof(Event));
    });
}

void append_end(std::string& out, const StreamEnd& end) {
    frame(out, FrameType::End, [&](Writer& w) {
        w.put(end.events);
        w.put(end.dropped);
    });
}

void append_gate(std::string& out, const StreamGate& gate) {
    frame(out, FrameType::Gate, [&](Writer& w) {
        w.put(std::uint8_t(gate.paused));
        w.put(gate.waiting);
        w.put(gate.waiting_task);
        w.put(gate.passed);
    });
}

void append_command(std::string& out, StreamCommand command, std::uint32_t steps) {
    frame(out, FrameType::Command, [&](Writer& w) {
        w.put(std::uint8_t(command));
        if (command == StreamCommand::Step)
            w.put(steps);
    });
}

void StreamDecoder::feed(std::string_view bytes) {
    if (!error_.empty())
        return;
    if (pos_ > 0 && pos_ >= buffer_.size() / 2) { // drop what was decoded
        buffer_.erase(0, pos_);
        pos_ = 0;
    }
    buffer_.append(bytes);
}

bool StreamDecoder::fail(std::string message) {
    if (error_.empty())
        error_ = std::move(message);
    return false;
}

bool StreamDecoder::next(Message& out) {
    if (!error_.empty())
        return false;
    const std::size_t have = buffer_.size() - pos_;
    if (have < sizeof(std::uint32_t) + 1)
        return false;
    std::uint32_t length = 0;
    std::memcpy(&length, buffer_.data() + pos_, sizeof length);
    if (length == 0 || length > kMaxFrameBytes)
        return fail("not a Pollscope stream: a frame of " + std::to_string(length) + " bytes");
    if (have < sizeof length + length)
        return false;
    const auto type = FrameType(std::uint8_t(buffer_[pos_ + sizeof length]));
    const std::string_view payload(buffer_.data() + pos_ + sizeof length + 1, length - 1);
    pos_ += sizeof length + length;
    out = {};
    return decode(type, payload, out);
}

bool StreamDecoder::decode(FrameType type, std::string_view payload, Message& out) {
    Reader r(payload);
    if (expect_hello_ && !seen_hello_ && type != FrameType::Hello)
        return fail("not a Pollscope stream: it does not start with a hello");
    switch (type) {
    case FrameType::Hello: {
        if (r.get<std::uint32_t>() != kStreamMagic)
            return fail("not a Pollscope stream (wrong magic number)");
        StreamHello h;
        h.version = r.get<std::uint32_t>();
        if (r.ok() && (h.version < kOldestStreamVersion || h.version > kStreamVersion))
            return fail("the program streams version " + std::to_string(h.version) +
                        "; this Pollscope reads versions " + std::to_string(kOldestStreamVersion) +
                        " to " + std::to_string(kStreamVersion));
        h.pid = r.get<std::uint64_t>();
        h.virtual_time = r.get<std::uint8_t>() != 0;
        h.can_shutdown = r.get<std::uint8_t>() != 0;
        if (h.version >= 2)
            h.can_step = r.get<std::uint8_t>() != 0;
        h.program = r.get_string();
        if (!r.ok())
            return fail("broken stream: a short hello");
        seen_hello_ = true;
        out.hello = std::move(h);
        return true;
    }
    case FrameType::Delta: {
        TraceDelta d;
        d.now = r.get<std::int64_t>();
        d.dropped = r.get<std::uint64_t>();
        d.missed = r.get<std::uint64_t>();
        d.virtual_time = r.get<std::uint8_t>() != 0;
        d.strings_from = r.get<std::uint32_t>();
        d.strings.resize(r.get_count(sizeof(std::uint32_t)));
        for (auto& s : d.strings)
            s = r.get_string();
        d.locations_from = r.get<std::uint32_t>();
        d.locations.resize(r.get_count(kLocationBytes));
        for (auto& l : d.locations) {
            l.file = r.get<std::uint32_t>();
            l.function = r.get<std::uint32_t>();
            l.line = r.get<std::uint32_t>();
            l.column = r.get<std::uint32_t>();
        }
        d.threads.resize(r.get_count(kThreadBytes));
        for (auto& t : d.threads) {
            t.os_id = r.get<std::uint64_t>();
            t.worker = r.get<std::int32_t>();
            t.name = r.get<std::uint32_t>();
        }
        d.events.resize(r.get_count(kEventBytes));
        r.get_bytes(d.events.data(), d.events.size() * sizeof(Event));
        if (!r.ok() || !r.at_end())
            return fail("broken stream: a delta frame of the wrong size");
        if (!check(d))
            return false;
        out.delta = std::move(d);
        return true;
    }
    case FrameType::End: {
        StreamEnd e;
        e.events = r.get<std::uint64_t>();
        e.dropped = r.get<std::uint64_t>();
        if (!r.ok())
            return fail("broken stream: a short end frame");
        out.end = e;
        return true;
    }
    case FrameType::Gate: {
        StreamGate g;
        g.paused = r.get<std::uint8_t>() != 0;
        g.waiting = r.get<std::uint32_t>();
        g.waiting_task = r.get<std::uint32_t>();
        g.passed = r.get<std::uint64_t>();
        if (!r.ok() || !r.at_end())
            return fail("broken stream: a gate frame of the wrong size");
        out.gate = g;
        return true;
    }
    case FrameType::Command: {
        const auto c = r.get<std::uint8_t>();
        if (!r.ok() || c < std::uint8_t(StreamCommand::Shutdown) ||
            c > std::uint8_t(StreamCommand::Run))
            return fail("unknown command " + std::to_string(c));
        out.command = StreamCommand(c);
        if (out.command == StreamCommand::Step) {
            out.steps = r.get<std::uint32_t>();
            if (!r.ok())
                return fail("broken stream: a step command without its count");
            if (out.steps == 0 || out.steps > kMaxStepPolls)
                return fail("a step of " + std::to_string(out.steps) + " polls (1 to " +
                            std::to_string(kMaxStepPolls) + ")");
        }
        if (!r.at_end())
            return fail("broken stream: a command frame of the wrong size");
        return true;
    }
    }
    return fail("unknown frame type " + std::to_string(int(type)));
}

bool StreamDecoder::check(const TraceDelta& d) {
    if (d.strings_from > strings_ || d.locations_from > locations_)
        return fail("broken stream: a table delta leaves a gap");
    const std::size_t ns = std::max(strings_, d.strings_from + d.strings.size());
    const std::size_t nl = std::max(locations_, d.locations_from + d.locations.size());
    const std::size_t nt = std::max(threads_, d.threads.size());
    if (ns == 0 || nl == 0)
        return fail("broken stream: the tables lack the empty string or the unknown location");
    for (const auto& l : d.locations)
        if (l.file >= ns || l.function >= ns)
            return fail("broken stream: a location names string " +
                        std::to_string(std::max(l.file, l.function)) + " (strings has " +
                        std::to_string(ns) + ")");
    for (const auto& t : d.threads)
        if (t.name >= ns)
            return fail("broken stream: a thread names string " + std::to_string(t.name) +
                        " (strings has " + std::to_string(ns) + ")");
    for (const Event& e : d.events)
        if (const auto problem = check_event_references(e, ns, nl, nt))
            return fail("broken stream: a " + std::string(kind_name(e.kind)) +
                        " event: " + problem->message);
    strings_ = ns;
    locations_ = nl;
    threads_ = nt;
    return true;
}

} // namespace pollscope::trace
