#pragma once
// A small buffered JSON text writer: appends to a block and hands full blocks
// to a Sink. Numbers via std::to_chars; no DOM, so a million events stream out.

#include "chrome_json.h" // Sink

#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace pollscope::trace::detail {

class JsonWriter {
public:
    explicit JsonWriter(const Sink& sink, std::size_t block = 1 << 20)
        : sink_(sink)
        , block_(block)
        , buf_(new char[block + kSlack])
        , p_(buf_.get()) {}
    void raw(std::string_view s) {
        ensure(s.size());
        std::memcpy(p_, s.data(), s.size());
        p_ += s.size();
    }
    void ch(char c) {
        ensure(1);
        *p_++ = c;
    }
    template <class Int> void num(Int v) {
        ensure(24);
        p_ = std::to_chars(p_, p_ + 24, v).ptr;
    }
    /// Nanoseconds as microseconds: three decimals and a half ns ("12.3455").
    void us(std::int64_t ns) {
        ensure(32);
        if (ns < 0) {
            *p_++ = '-';
            ns = -ns;
        }
        p_ = std::to_chars(p_, p_ + 24, ns / 1000).ptr;
        const auto f = static_cast<int>(ns % 1000);
        p_[0] = '.';
        p_[1] = char('0' + f / 100);
        p_[2] = char('0' + f / 10 % 10);
        p_[3] = char('0' + f % 10);
        // Half a nanosecond more: readers that parse microseconds as a double
        // and truncate ns (Perfetto does) get the exact integer back, so a
        // slice never seems to end after the next one starts.
        p_[4] = '5';
        p_ += 5;
    }
    void str(std::string_view s) {
        ch('"');
        for (char c : s) {
            const auto u = static_cast<unsigned char>(c);
            ensure(6);
            if (c == '"' || c == '\\') {
                *p_++ = '\\';
                *p_++ = c;
            } else if (u < 0x20) {
                static constexpr char hex[] = "0123456789abcdef";
                const char e[6] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 15]};
                std::memcpy(p_, e, 6);
                p_ += 6;
            } else {
                *p_++ = c;
            }
        }
        ch('"');
    }
    /// Hands a full block to the sink (call between values).
    void maybe_flush() {
        if (std::size_t(p_ - buf_.get()) >= block_)
            flush();
    }
    bool flush() {
        const std::size_t n = std::size_t(p_ - buf_.get());
        if (ok_ && n)
            ok_ = sink_(std::string_view(buf_.get(), n));
        p_ = buf_.get();
        return ok_;
    }
    bool ok() const { return ok_; }

private:
    static constexpr std::size_t kSlack = 64 * 1024;
    /// Room for n more bytes; n larger than a block goes out in pieces by the caller.
    void ensure(std::size_t n) {
        if (std::size_t(buf_.get() + block_ + kSlack - p_) < n) [[unlikely]]
            grow(n);
    }
    void grow(std::size_t n) {
        flush();
        if (n > block_ + kSlack) { // one huge string: a bigger buffer
            block_ = n;
            buf_.reset(new char[block_ + kSlack]);
            p_ = buf_.get();
        }
    }

    const Sink& sink_;
    std::size_t block_;
    std::unique_ptr<char[]> buf_;
    char* p_;
    bool ok_ = true;
};

} // namespace pollscope::trace::detail
