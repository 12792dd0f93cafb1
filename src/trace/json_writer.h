#pragma once
// A small buffered JSON text writer: appends to a block and hands full blocks
// to a Sink. Numbers via std::to_chars; no DOM, so a million events stream out.

#include "chrome_json.h" // Sink

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace pollscope::trace::detail {

class JsonWriter {
public:
    explicit JsonWriter(const Sink& sink, std::size_t block = 1 << 20)
        : sink_(sink)
        , block_(block) {
        buf_.reserve(block + 4096);
    }
    void raw(std::string_view s) {
        buf_.append(s);
        maybe_flush();
    }
    void ch(char c) { buf_.push_back(c); }
    template <class Int> void num(Int v) {
        char tmp[24];
        auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
        buf_.append(tmp, r.ptr);
    }
    /// Nanoseconds as microseconds with three decimals ("12.345").
    void us(std::int64_t ns) {
        if (ns < 0) {
            ch('-');
            ns = -ns;
        }
        num(ns / 1000);
        const auto f = static_cast<int>(ns % 1000);
        const char d[4] = {'.', char('0' + f / 100), char('0' + f / 10 % 10), char('0' + f % 10)};
        buf_.append(d, 4);
    }
    void str(std::string_view s) {
        ch('"');
        for (char c : s) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                ch('\\');
                ch(c);
            } else if (u < 0x20) {
                static constexpr char hex[] = "0123456789abcdef";
                const char e[6] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 15]};
                buf_.append(e, 6);
            } else {
                ch(c);
            }
        }
        ch('"');
    }
    /// Hands a full block to the sink (call between values).
    void maybe_flush() {
        if (buf_.size() >= block_)
            flush();
    }
    bool flush() {
        if (ok_ && !buf_.empty())
            ok_ = sink_(buf_);
        buf_.clear();
        return ok_;
    }
    bool ok() const { return ok_; }

private:
    const Sink& sink_;
    std::size_t block_;
    std::string buf_;
    bool ok_ = true;
};

} // namespace pollscope::trace::detail
