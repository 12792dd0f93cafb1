#include "json_import.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <unordered_set>
#include <vector>

namespace pollscope::trace {

std::string ImportError::to_string() const {
    std::string s = "line " + std::to_string(line) + ", column " + std::to_string(column) +
                    " (byte " + std::to_string(offset) + ")";
    if (!path.empty())
        s += ", at " + path;
    s += ": " + message;
    return s;
}

namespace {

constexpr int kMaxDepth = 256;

/// A strict recursive-descent reader of our schema; generic JSON is only
/// validated and skipped. Every failure records the first error and unwinds.
class Parser {
public:
    explicit Parser(std::string_view s)
        : b_(s.data())
        , p_(s.data())
        , e_(s.data() + s.size()) {}

    bool document(Trace& t) {
        ws();
        if (p_ == e_)
            return fail("empty input: not a Pollscope trace");
        if (*p_ != '{')
            return fail("expected a JSON object ('{'): not a Pollscope trace");
        bool seen = false;
        if (!object([&](std::string_view key) {
                if (key == "pollscope") {
                    seen = true;
                    return pollscope(t);
                }
                if (seen && key == "traceEvents" && skip_to_last_array_end())
                    return true;
                return skip_value(1);
            }))
            return false;
        ws();
        if (p_ != e_)
            return fail("unexpected data after the end of the JSON document");
        if (!seen) {
            p_ = b_;
            return fail("no top-level \"pollscope\" object: not a Pollscope trace (a foreign "
                        "Chrome trace or other JSON)");
        }
        return true;
    }

    /// Pollscope's own files: {"pollscope":{...},"traceEvents":[...]}. The
    /// Chrome events repeat the section in Perfetto's form and are most of
    /// the file (about 190 of every 215 bytes); nothing reads them here. At
    /// a '[' whose document ends in "]}", moves to that ']' + 1 without
    /// reading what lies between (a truncated file still fails: it does not
    /// end so); anything else is parsed as usual.
    bool skip_to_last_array_end() {
        if (p_ == e_ || *p_ != '[')
            return false;
        const char* q = e_;
        const auto back_ws = [&] {
            while (q > p_ + 1 && (q[-1] == ' ' || q[-1] == '\n' || q[-1] == '\r' || q[-1] == '\t'))
                --q;
        };
        back_ws();
        if (q <= p_ + 1 || q[-1] != '}')
            return false;
        --q;
        back_ws();
        if (q <= p_ + 1 || q[-1] != ']')
            return false;
        p_ = q;
        return true;
    }

    ImportError error(std::string_view input) const {
        ImportError err = err_;
        err.line = 1;
        err.column = 1;
        for (std::size_t i = 0; i < err.offset && i < input.size(); ++i) {
            if (input[i] == '\n') {
                ++err.line;
                err.column = 1;
            } else {
                ++err.column;
            }
        }
        return err;
    }

private:
    struct Seg {
        std::string_view key;
        std::size_t index = 0;
        bool is_index = false;
    };

    bool fail(std::string message) {
        if (failed_)
            return false;
        failed_ = true;
        err_.offset = static_cast<std::size_t>(p_ - b_);
        err_.message = std::move(message);
        err_.path = "$";
        for (const auto& s : path_)
            err_.path +=
                s.is_index ? "[" + std::to_string(s.index) + "]" : "." + std::string(s.key);
        return false;
    }
    std::string got() const {
        if (p_ == e_)
            return "end of input";
        const auto c = static_cast<unsigned char>(*p_);
        if (c < 0x20 || c >= 0x7f)
            return "byte 0x" + std::string(1, "0123456789abcdef"[c >> 4]) +
                   "0123456789abcdef"[c & 15];
        return std::string("'") + char(c) + "'";
    }
    void ws() {
        while (p_ != e_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
            ++p_;
    }
    bool expect(char c, const char* what) {
        ws();
        if (p_ == e_ || *p_ != c)
            return fail(std::string("expected ") + what + ", found " + got());
        ++p_;
        return true;
    }

    /// {"key": value, ...}; on_key parses the value.
    template <class F> bool object(F&& on_key, bool keep_keys = true) {
        if (!expect('{', "'{'"))
            return false;
        ws();
        if (p_ != e_ && *p_ == '}') {
            ++p_;
            return true;
        }
        for (;;) {
            ws();
            std::string key;
            if (p_ == e_ || *p_ != '"')
                return fail("expected a string key, found " + got());
            if (!string(key, keep_keys))
                return false;
            if (!expect(':', "':'"))
                return false;
            path_.push_back({key, 0, false});
            ws();
            if (!on_key(std::string_view(key)))
                return false;
            path_.pop_back();
            ws();
            if (p_ != e_ && *p_ == ',') {
                ++p_;
                continue;
            }
            return expect('}', "',' or '}'");
        }
    }

    /// [value, ...]; on_item(index) parses each element.
    template <class F> bool array(F&& on_item) {
        if (!expect('[', "'['"))
            return false;
        ws();
        if (p_ != e_ && *p_ == ']') {
            ++p_;
            return true;
        }
        for (std::size_t i = 0;; ++i) {
            path_.push_back({{}, i, true});
            ws();
            if (!on_item(i))
                return false;
            path_.pop_back();
            ws();
            if (p_ != e_ && *p_ == ',') {
                ++p_;
                continue;
            }
            return expect(']', "',' or ']'");
        }
    }

    static void utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        }
    }
    bool hex4(std::uint32_t& v) {
        if (e_ - p_ < 4)
            return fail("truncated \\u escape");
        v = 0;
        for (int i = 0; i < 4; ++i, ++p_) {
            const char c = *p_;
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= std::uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= std::uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= std::uint32_t(c - 'A' + 10);
            else
                return fail("invalid hex digit in \\u escape: " + got());
        }
        return true;
    }
    /// A string at p_ (which is '"'); out may be null to only validate.
    bool string(std::string& out, bool keep = true) {
        ++p_;
        for (;;) {
            const char* start = p_;
            while (p_ != e_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20)
                ++p_;
            if (keep)
                out.append(start, p_);
            if (p_ == e_)
                return fail("unterminated string");
            const char c = *p_;
            if (c == '"') {
                ++p_;
                return true;
            }
            if (c != '\\')
                return fail("control character " + got() + " inside a string (must be escaped)");
            ++p_;
            if (p_ == e_)
                return fail("unterminated string");
            const char x = *p_++;
            char r;
            switch (x) {
            case '"':
            case '\\':
            case '/':
                r = x;
                break;
            case 'b':
                r = '\b';
                break;
            case 'f':
                r = '\f';
                break;
            case 'n':
                r = '\n';
                break;
            case 'r':
                r = '\r';
                break;
            case 't':
                r = '\t';
                break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!hex4(cp))
                    return false;
                if (cp >= 0xD800 && cp < 0xDC00) {
                    std::uint32_t lo = 0;
                    if (e_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u')
                        return fail("unpaired UTF-16 surrogate in \\u escape");
                    p_ += 2;
                    if (!hex4(lo))
                        return false;
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return fail("invalid UTF-16 low surrogate in \\u escape");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp < 0xE000) {
                    return fail("unpaired UTF-16 surrogate in \\u escape");
                }
                if (keep)
                    utf8(out, cp);
                continue;
            }
            default:
                --p_;
                return fail("invalid escape \\" + got());
            }
            if (keep)
                out += r;
        }
    }
    bool skip_number() {
        const char* s = p_;
        if (p_ != e_ && *p_ == '-')
            ++p_;
        if (p_ == e_ || !(*p_ >= '0' && *p_ <= '9'))
            return fail("invalid number");
        if (*p_ == '0')
            ++p_;
        else
            while (p_ != e_ && *p_ >= '0' && *p_ <= '9')
                ++p_;
        if (p_ != e_ && *p_ == '.') {
            ++p_;
            if (p_ == e_ || !(*p_ >= '0' && *p_ <= '9'))
                return fail("invalid number: digit expected after '.'");
            while (p_ != e_ && *p_ >= '0' && *p_ <= '9')
                ++p_;
        }
        if (p_ != e_ && (*p_ == 'e' || *p_ == 'E')) {
            ++p_;
            if (p_ != e_ && (*p_ == '+' || *p_ == '-'))
                ++p_;
            if (p_ == e_ || !(*p_ >= '0' && *p_ <= '9'))
                return fail("invalid number: digit expected in exponent");
            while (p_ != e_ && *p_ >= '0' && *p_ <= '9')
                ++p_;
        }
        (void)s;
        return true;
    }
    bool literal(std::string_view word) {
        if (std::size_t(e_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0)
            return fail("invalid value, found " + got());
        p_ += word.size();
        return true;
    }
    bool skip_value(int depth) {
        if (depth > kMaxDepth)
            return fail("nesting deeper than " + std::to_string(kMaxDepth));
        ws();
        if (p_ == e_)
            return fail("expected a value, found end of input");
        std::string dummy;
        switch (*p_) {
        case '{':
            return object([&](std::string_view) { return skip_value(depth + 1); }, false);
        case '[':
            return array([&](std::size_t) { return skip_value(depth + 1); });
        case '"':
            return string(dummy, false);
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default:
            if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9'))
                return skip_number();
            return fail("expected a value, found " + got());
        }
    }

    template <class Int> bool integer(Int& out) {
        ws();
        std::int64_t v = 0;
        std::uint64_t u = 0;
        const char* s = p_;
        std::from_chars_result r;
        const bool neg = p_ != e_ && *p_ == '-';
        if (neg)
            r = std::from_chars(p_, e_, v);
        else
            r = std::from_chars(p_, e_, u);
        if (r.ec == std::errc::result_out_of_range)
            return fail("integer out of range");
        if (r.ec != std::errc() || (!neg && *p_ == '+'))
            return fail("expected an integer, found " + got());
        p_ = r.ptr;
        if (p_ != e_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) {
            p_ = s;
            return fail("expected an integer, found a fraction or exponent");
        }
        if (neg) {
            if constexpr (std::is_signed_v<Int>) {
                if (v < std::numeric_limits<Int>::min()) {
                    p_ = s;
                    return fail("integer out of range");
                }
                out = static_cast<Int>(v);
                return true;
            } else {
                p_ = s;
                return fail("expected a non-negative integer");
            }
        }
        if (u > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
            p_ = s;
            return fail("integer out of range (max " +
                        std::to_string(std::numeric_limits<Int>::max()) + ")");
        }
        out = static_cast<Int>(u);
        return true;
    }
    bool sep() { return expect(',', "','"); }
    bool str_value(std::string& out) {
        ws();
        if (p_ == e_ || *p_ != '"')
            return fail("expected a string, found " + got());
        return string(out);
    }

    bool pollscope(Trace& t) {
        bool have_format = false, have_version = false, have_strings = false,
             have_locations = false, have_threads = false, have_events = false;
        const char* start = p_;
        t.strings.clear();
        t.locations.clear();
        if (!object([&](std::string_view key) -> bool {
                if (key == "format") {
                    std::string f;
                    if (!str_value(f))
                        return false;
                    if (f != "pollscope-trace")
                        return fail("unknown format \"" + f + "\" (expected \"pollscope-trace\")");
                    have_format = true;
                    return true;
                }
                if (key == "version") {
                    int v = 0;
                    if (!integer(v))
                        return false;
                    if (v != 1 && v != 2) // 2 added resources (what a Pending poll waits on)
                        return fail("unsupported version " + std::to_string(v) +
                                    " (this build reads versions 1 and 2)");
                    have_version = true;
                    return true;
                }
                if (key == "virtual_time") {
                    if (p_ != e_ && *p_ == 't') {
                        t.virtual_time = true;
                        return literal("true");
                    }
                    if (p_ != e_ && *p_ == 'f') {
                        t.virtual_time = false;
                        return literal("false");
                    }
                    return fail("expected true or false, found " + got());
                }
                if (key == "dropped")
                    return integer(t.dropped);
                if (key == "strings") {
                    have_strings = true;
                    tables_[kStrings] = p_;
                    t.strings.clear();
                    return array([&](std::size_t i) {
                        // A std::string costs 32 bytes however short: bound the
                        // table so memory stays a small multiple of the input.
                        if (i >= max_strings())
                            return fail("more than " + std::to_string(max_strings()) +
                                        " strings (the limit is one per " +
                                        std::to_string(kMinBytesPerString) +
                                        " bytes of input, at least " +
                                        std::to_string(kMinStringLimit) + ")");
                        t.strings.emplace_back();
                        return str_value(t.strings.back());
                    });
                }
                if (key == "locations") {
                    have_locations = true;
                    tables_[kLocations] = p_;
                    t.locations.clear();
                    return array([&](std::size_t) {
                        SourceLoc l;
                        if (!expect('[', "'[' (a location [file,function,line,column])") ||
                            !integer(l.file) || !sep() || !integer(l.function) || !sep() ||
                            !integer(l.line) || !sep() || !integer(l.column) ||
                            !expect(']', "']' after 4 location fields"))
                            return false;
                        t.locations.push_back(l);
                        return true;
                    });
                }
                if (key == "threads") {
                    have_threads = true;
                    tables_[kThreads] = p_;
                    t.threads.clear();
                    return array([&](std::size_t) {
                        ThreadInfo th;
                        if (!expect('[', "'[' (a thread [os_id,worker,name])") ||
                            !integer(th.os_id) || !sep() || !integer(th.worker) || !sep() ||
                            !integer(th.name) || !expect(']', "']' after 3 thread fields"))
                            return false;
                        t.threads.push_back(th);
                        return true;
                    });
                }
                if (key == "events") {
                    have_events = true;
                    tables_[kEvents] = p_;
                    t.events.clear();
                    // Roughly 40 bytes per event: reserve to avoid regrowth.
                    return array([&](std::size_t) {
                        Event ev;
                        std::uint8_t kind = 0;
                        if (plain_event(ev)) {
                            t.events.push_back(ev);
                            if (progress_ && (t.events.size() & 0x3fff) == 0)
                                (*progress_)(double(p_ - b_) / double(e_ - b_));
                            return true;
                        }
                        if (!expect('[', "'[' (an event [ts,task,kind,arg,arg2,thread,flag])") ||
                            !integer(ev.ts) || !sep() || !integer(ev.task) || !sep() ||
                            !integer(kind) || !sep() || !integer(ev.arg) || !sep() ||
                            !integer(ev.arg2) || !sep() || !integer(ev.thread) || !sep() ||
                            !integer(ev.flag) || !expect(']', "']' after 7 event fields"))
                            return false;
                        if (kind >= kEventKindCount)
                            return fail("unknown event kind " + std::to_string(kind));
                        ev.kind = static_cast<EventKind>(kind);
                        t.events.push_back(ev);
                        if (progress_ && (t.events.size() & 0x3fff) == 0)
                            (*progress_)(double(p_ - b_) / double(e_ - b_));
                        return true;
                    });
                }
                return skip_value(1); // newer fields: ignore
            }))
            return false;
        const char* end = p_;
        p_ = start;
        const char* missing = !have_format      ? "format"
                              : !have_version   ? "version"
                              : !have_strings   ? "strings"
                              : !have_locations ? "locations"
                              : !have_threads   ? "threads"
                              : !have_events    ? "events"
                                                : nullptr;
        if (missing)
            return fail(std::string("missing key \"") + missing + "\"");
        if (t.strings.empty() || !t.strings[0].empty())
            return at(kStrings, 0, -1, "strings[0] must be the empty string");
        if (t.locations.empty()) {
            p_ = tables_[kLocations];
            path_.push_back({"locations", 0, false});
            return fail("locations[0] (the unknown location) is missing");
        }
        if (!validate(t))
            return false;
        p_ = end;
        return true;
    }

    /// The row every writer of ours writes, "[ts,task,kind,arg,arg2,thread,flag]"
    /// with no space or sign and each value in its field's range, read in
    /// one pass (10M rows: most of an open). Anything else returns false
    /// with p_ unchanged, for the general path to read or to report.
    bool plain_event(Event& ev) {
        constexpr int kFields = 7;
        constexpr std::uint64_t kMax[kFields] = {(std::uint64_t(1) << 62),
                                                 0xffffffffu,
                                                 kEventKindCount - 1,
                                                 0xffffffffu,
                                                 0xffffffffu,
                                                 0xffffu,
                                                 0xffu};
        std::uint64_t f[kFields];
        const char* q = p_;
        if (q == e_ || *q != '[')
            return false;
        ++q;
        for (int i = 0; i < kFields; ++i) {
            const char* digits = q;
            std::uint64_t v = 0;
            // At most 18 digits: no overflow of 64 bits to check.
            while (q != e_ && q - digits < 18 && unsigned(*q - '0') < 10u)
                v = v * 10 + unsigned(*q++ - '0');
            if (q == digits || q == e_ || *q != (i + 1 < kFields ? ',' : ']') || v > kMax[i])
                return false;
            f[i] = v;
            ++q;
        }
        ev.ts = std::int64_t(f[0]);
        ev.task = std::uint32_t(f[1]);
        ev.kind = static_cast<EventKind>(f[2]);
        ev.arg = std::uint32_t(f[3]);
        ev.arg2 = std::uint32_t(f[4]);
        ev.thread = std::uint16_t(f[5]);
        ev.flag = std::uint8_t(f[6]);
        p_ = q;
        return true;
    }

    /// Ids must point into the tables, and every event the model keeps per
    /// task must name one; reported at the offending element's own field.
    bool validate(const Trace& t) {
        const auto ns = t.strings.size();
        const auto nl = t.locations.size();
        for (std::size_t i = 0; i < nl; ++i) {
            if (t.locations[i].file >= ns)
                return at(kLocations, i, 0,
                          "string id out of range (strings has " + std::to_string(ns) + ")");
            if (t.locations[i].function >= ns)
                return at(kLocations, i, 1,
                          "string id out of range (strings has " + std::to_string(ns) + ")");
        }
        for (std::size_t i = 0; i < t.threads.size(); ++i)
            if (t.threads[i].name >= ns)
                return at(kThreads, i, 2,
                          "string id out of range (strings has " + std::to_string(ns) + ")");
        // Resources: described anywhere in the trace (a race between threads
        // may put the description a little after a poll that names it).
        std::unordered_set<std::uint32_t> resources;
        for (const Event& e : t.events)
            if (e.kind == EventKind::Resource)
                resources.insert(e.arg);
        for (std::size_t i = 0; i < t.events.size(); ++i) {
            const Event& e = t.events[i];
            if (const auto problem = check_event_references(e, ns, nl, t.threads.size()))
                return at(kEvents, i, problem->field, problem->message);
            // A trace that lost events (dropped) may have lost a description.
            if (e.kind == EventKind::PollEnd && e.arg2 != 0 && t.dropped == 0 &&
                !resources.contains(e.arg2))
                return at(kEvents, i, 4,
                          "resource " + std::to_string(e.arg2) +
                              " is described by no resource event");
            if (i && e.ts < t.events[i - 1].ts)
                return at(kEvents, i, 0, "events out of time order");
            std::int64_t span = 0;
            if (i && __builtin_sub_overflow(e.ts, t.events[0].ts, &span))
                return at(kEvents, i, 0,
                          "events span more than 2^63-1 ns (about 292 years) from the first");
        }
        return true;
    }

    enum Table { kStrings, kLocations, kThreads, kEvents, kTableCount };
    static constexpr const char* kTableNames[kTableCount] = {"strings", "locations", "threads",
                                                             "events"};
    static constexpr std::size_t kMinBytesPerString = 16;
    static constexpr std::size_t kMinStringLimit = 4096;
    std::size_t max_strings() const noexcept {
        return std::max(kMinStringLimit, std::size_t(e_ - b_) / kMinBytesPerString);
    }

    /// Fails at element `index` of a table (at its field `field`, or the
    /// element itself when field < 0): walks the already-parsed array again
    /// to find where that element starts.
    bool at(Table table, std::size_t index, int field, std::string msg) {
        p_ = tables_[table];
        path_.push_back({kTableNames[table], 0, false});
        bool ok = p_ && expect('[', "'['");
        for (std::size_t k = 0; ok && k < index; ++k)
            ok = skip_value(1) && sep();
        path_.push_back({{}, index, true});
        if (ok && field >= 0) {
            ws();
            ok = expect('[', "'['");
            for (int k = 0; ok && k < field; ++k)
                ok = skip_value(1) && sep();
            path_.push_back({{}, std::size_t(field), true});
        }
        if (!ok)
            return false; // cannot happen: the array parsed before
        ws();
        return fail(std::move(msg));
    }

    const char* tables_[kTableCount] = {};
    const char* b_;
    const char* p_;
    const char* e_;
    std::vector<Seg> path_;
    bool failed_ = false;
    ImportError err_;

public:
    const Progress* progress_ = nullptr;
};

} // namespace

std::optional<Trace> import_trace_json(std::string_view json, ImportError* error,
                                       const Progress& progress) {
    Parser parser(json);
    parser.progress_ = progress ? &progress : nullptr;
    Trace t;
    if (parser.document(t))
        return t;
    if (error)
        *error = parser.error(json);
    return std::nullopt;
}

} // namespace pollscope::trace
