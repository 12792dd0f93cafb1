#include "stream_client.h"

#include "unix_socket.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace pollscope::trace {

namespace {

/// Appends the part of `theirs` (starting at id `from`) past `mine` (starting
/// at id `mine_from`).
template <class T>
void append_tail(std::vector<T>& mine, std::size_t& mine_from, std::vector<T>& theirs,
                 std::size_t from) {
    if (mine.empty())
        mine_from = from;
    const std::size_t have = mine_from + mine.size();
    for (std::size_t i = 0; i < theirs.size(); ++i)
        if (from + i >= have)
            mine.push_back(std::move(theirs[i]));
}

} // namespace

std::unique_ptr<StreamClient> StreamClient::connect(const std::string& path, std::string* error,
                                                    std::chrono::milliseconds timeout) {
    const auto failed = [&](const std::string& reason) {
        if (error)
            *error = "cannot attach to " + path + ": " + reason;
        return nullptr;
    };
    sockaddr_un addr{};
    if (!unix_socket_address(path, addr))
        return failed(path.empty() ? "no path given" : "the path is too long for a socket");
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return failed(errno_text(errno));
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const int e = errno;
        ::close(fd);
        if (e == ENOENT)
            return failed("no such socket (is the program running with POLLSCOPE_SERVE set "
                          "to this path?)");
        if (e == ECONNREFUSED)
            return failed("nothing listens there (the program has ended)");
        return failed(errno_text(e));
    }
    std::unique_ptr<StreamClient> c(new StreamClient(fd, path));
    // The hello comes at once from a program that serves.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    StreamDecoder::Message m;
    while (!c->decoder_.next(m)) {
        if (!c->decoder_.error().empty())
            return failed("not a Pollscope program: " + c->decoder_.error());
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd in{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&in, 1, int(left.count())) <= 0)
            return failed("the program said nothing (not a Pollscope program?)");
        if (!c->receive())
            return failed(c->problem().empty() ? "the program closed the connection (is another "
                                                 "viewer attached?)"
                                               : c->problem());
    }
    c->hello_ = std::move(*m.hello);
    int wake[2] = {-1, -1};
    if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0)
        return failed(errno_text(errno));
    c->wake_read_ = wake[0];
    c->wake_write_ = wake[1];
    c->reader_ = std::thread([raw = c.get()] { raw->read_all(); });
    return c;
}

StreamClient::StreamClient(int fd, std::string path)
    : fd_(fd)
    , path_(std::move(path)) {}

StreamClient::~StreamClient() {
    if (reader_.joinable()) {
        const char byte = 1;
        [[maybe_unused]] const auto n = ::write(wake_write_, &byte, 1);
        reader_.join();
    }
    ::close(fd_);
    if (wake_read_ >= 0) {
        ::close(wake_read_);
        ::close(wake_write_);
    }
}

void StreamClient::read_all() {
    bool open = true;
    for (;;) {
        // (connect() may have received frames beyond the hello already.)
        if (!decode_pending())
            return; // the end frame
        if (!decoder_.error().empty()) {
            stop(State::Broken, decoder_.error());
            return;
        }
        if (!open) {
            stop(State::Lost, "the program closed the connection without ending its recording "
                              "(it exited or was killed)");
            return;
        }
        pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 && errno != EINTR) {
            stop(State::Lost, "cannot wait for the program: " + errno_text(errno));
            return;
        }
        if (fds[1].revents & POLLIN)
            return; // the client goes away
        open = receive();
    }
}

bool StreamClient::decode_pending() {
    StreamDecoder::Message m;
    while (decoder_.next(m)) {
        std::lock_guard l(m_);
        if (m.gate) {
            gate_ = *m.gate;
        } else if (m.delta) {
            events_ += m.delta->events.size();
            now_ = m.delta->now;
            missed_ += m.delta->missed;
            dropped_ = std::max(dropped_, m.delta->dropped);
            if (has_pending_)
                merge(pending_, std::move(*m.delta));
            else
                pending_ = std::move(*m.delta);
            has_pending_ = true;
        } else if (m.end) {
            end_ = *m.end;
            state_ = State::Ended;
            return false;
        }
    }
    return true;
}

bool StreamClient::receive() {
    char buf[1 << 16];
    for (;;) {
        const auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
            decoder_.feed(std::string_view(buf, std::size_t(n)));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (n < 0)
            stop(State::Lost, "the connection broke: " + errno_text(errno));
        return false; // n == 0: closed
    }
}

void StreamClient::drain(TraceDelta& delta) {
    std::lock_guard l(m_);
    delta = std::exchange(pending_, {});
    has_pending_ = false;
}

void StreamClient::merge(TraceDelta& into, TraceDelta&& d) {
    append_tail(into.strings, into.strings_from, d.strings, d.strings_from);
    append_tail(into.locations, into.locations_from, d.locations, d.locations_from);
    if (!d.threads.empty())
        into.threads = std::move(d.threads);
    into.events.insert(into.events.end(), d.events.begin(), d.events.end());
    into.dropped = d.dropped;
    into.missed += d.missed;
    into.virtual_time = d.virtual_time;
    into.now = d.now;
}

void StreamClient::stop(State state, std::string problem) {
    std::lock_guard l(m_);
    if (state_ != State::Attached)
        return;
    state_ = state;
    problem_ = std::move(problem);
}

StreamClient::State StreamClient::state() const {
    std::lock_guard l(m_);
    return state_;
}

std::string StreamClient::problem() const {
    std::lock_guard l(m_);
    return problem_;
}

StreamEnd StreamClient::end() const {
    std::lock_guard l(m_);
    return end_;
}

std::uint64_t StreamClient::events() const {
    std::lock_guard l(m_);
    return events_;
}

std::int64_t StreamClient::now() const {
    std::lock_guard l(m_);
    return now_;
}

bool StreamClient::send_command(StreamCommand command, std::uint32_t steps) const {
    if (state() != State::Attached)
        return false;
    std::string out;
    append_command(out, command, steps);
    return ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL) == ssize_t(out.size());
}

bool StreamClient::request_shutdown() const {
    return hello_.can_shutdown && send_command(StreamCommand::Shutdown);
}

bool StreamClient::request_pause() {
    if (!hello_.can_step || !send_command(StreamCommand::Pause))
        return false;
    std::lock_guard l(m_);
    gate_.paused = true;
    return true;
}

bool StreamClient::request_step(std::uint32_t n) {
    n = std::clamp<std::uint32_t>(n, 1, kMaxStepPolls);
    if (!hello_.can_step || !send_command(StreamCommand::Step, n))
        return false;
    std::lock_guard l(m_);
    gate_.paused = true;
    return true;
}

bool StreamClient::request_run() {
    if (!hello_.can_step || !send_command(StreamCommand::Run))
        return false;
    std::lock_guard l(m_);
    gate_.paused = false;
    return true;
}

StreamGate StreamClient::gate() const {
    std::lock_guard l(m_);
    return gate_;
}

std::uint64_t StreamClient::missed() const {
    std::lock_guard l(m_);
    return missed_;
}

std::uint64_t StreamClient::dropped() const {
    std::lock_guard l(m_);
    return dropped_;
}

} // namespace pollscope::trace
