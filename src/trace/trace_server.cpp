#include "trace_server.h"

#include "recorder.h"
#include "step_gate.h"
#include "unix_socket.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace pollscope::trace {

namespace {

/// Whether a program accepts connections on the socket at `addr`.
bool someone_listens(const sockaddr_un& addr) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    const bool yes = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return yes;
}

/// Binds `fd` to `path` and listens, so that the path never names a socket
/// that does not listen yet: one that connects between a bind and a listen
/// would be refused, and told the program has ended. So the socket is bound
/// and listening under a temporary name first, then linked to `path` (which
/// fails if something is there: two programs cannot both take it). Returns 0
/// or an errno.
int bind_listening(int fd, const std::string& path, const sockaddr_un& addr) {
    const auto bind_at = [fd](const sockaddr_un& a) {
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
        return ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0 &&
               ::listen(fd, 4) == 0;
    };
    const std::string temp = path + ".listening." + std::to_string(::getpid());
    sockaddr_un temp_addr{};
    if (!unix_socket_address(temp, temp_addr)) // too long: bind the path itself
        return bind_at(addr) ? 0 : errno;
    ::unlink(temp.c_str()); // left by an earlier process with our pid
    int e = 0;
    if (!bind_at(temp_addr) || ::link(temp.c_str(), path.c_str()) != 0)
        e = errno == EEXIST ? EADDRINUSE : errno;
    ::unlink(temp.c_str());
    return e;
}

} // namespace

std::unique_ptr<TraceServer> TraceServer::listen(std::shared_ptr<TraceRecorder> recorder,
                                                 const std::string& path, StreamHello hello,
                                                 std::string* error) {
    const auto failed = [&](const std::string& reason) {
        if (error)
            *error = "cannot serve on " + path + ": " + reason;
        return nullptr;
    };
    sockaddr_un addr{};
    if (!unix_socket_address(path, addr))
        return failed(path.empty() ? "no path given"
                                   : "the path is longer than " +
                                         std::to_string(sizeof addr.sun_path - 1) + " bytes");
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return failed("a file that is not a socket is there already");
        if (someone_listens(addr))
            return failed("another program serves there already");
        ::unlink(path.c_str()); // left by a program that died
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return failed(errno_text(errno));
    if (const int e = bind_listening(fd, path, addr); e != 0) {
        ::close(fd);
        return failed(errno_text(e));
    }
    int wake[2] = {-1, -1};
    if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        const int e = errno;
        ::close(fd);
        ::unlink(path.c_str());
        return failed(errno_text(e));
    }
    return std::unique_ptr<TraceServer>(
        new TraceServer(std::move(recorder), path, std::move(hello), fd, wake[0], wake[1]));
}

TraceServer::TraceServer(std::shared_ptr<TraceRecorder> recorder, std::string path,
                         StreamHello hello, int listen_fd, int wake_read, int wake_write)
    : recorder_(std::move(recorder))
    , path_(std::move(path))
    , hello_(std::move(hello))
    , listen_fd_(listen_fd)
    , wake_read_(wake_read)
    , wake_write_(wake_write) {
    thread_ = std::thread([this] { work(); });
}

TraceServer::~TraceServer() {
    finish();
}

void TraceServer::set_shutdown_handler(std::function<void()> handler) {
    std::lock_guard l(m_);
    shutdown_handler_ = std::move(handler);
}

void TraceServer::set_step_gate(std::shared_ptr<StepGate> gate) {
    std::lock_guard l(m_);
    gate_ = std::move(gate);
}

void TraceServer::set_viewer_left_handler(std::function<void()> handler) {
    std::lock_guard l(m_);
    viewer_left_handler_ = std::move(handler);
}

bool TraceServer::wait_for_viewer(std::chrono::milliseconds timeout) {
    std::unique_lock l(m_);
    return viewer_cv_.wait_for(l, timeout, [this] { return attached_ || finishing_; }) && attached_;
}

std::uint64_t TraceServer::viewers() const {
    std::lock_guard l(m_);
    return viewers_;
}

StreamEnd TraceServer::finish() {
    {
        std::lock_guard l(m_);
        if (finished_)
            return last_end_;
        finished_ = finishing_ = true;
    }
    viewer_cv_.notify_all();
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(wake_write_, &byte, 1);
    thread_.join();
    ::close(listen_fd_);
    ::close(wake_read_);
    ::close(wake_write_);
    ::unlink(path_.c_str());
    std::lock_guard l(m_);
    return last_end_;
}

void TraceServer::work() {
    for (;;) {
        pollfd fds[3] = {{wake_read_, POLLIN, 0}, {listen_fd_, POLLIN, 0}, {client_, POLLIN, 0}};
        const nfds_t n = client_ >= 0 ? 3 : 2;
        ::poll(fds, n, client_ >= 0 ? kPeriodMs : -1);
        {
            std::lock_guard l(m_);
            if (finishing_)
                break;
        }
        if (fds[1].revents & POLLIN)
            accept_viewer();
        if (client_ < 0)
            continue;
        if ((fds[2].revents & (POLLIN | POLLHUP | POLLERR)) && !read_commands()) {
            drop_viewer();
            continue;
        }
        if (!send_new_events() || !send_gate())
            drop_viewer();
    }
    // The end: what is left, then the end frame, to the viewer attached.
    StreamEnd end;
    if (client_ >= 0 && send_new_events()) {
        end = {sent_events_, recorder_->dropped()};
        out_.clear();
        append_end(out_, end);
        send_all(out_, std::chrono::seconds(5));
    }
    drop_viewer();
    std::lock_guard l(m_);
    last_end_ = end;
}

void TraceServer::accept_viewer() {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (client_ >= 0) { // one viewer at a time: the other sees the door close
        ::close(fd);
        return;
    }
    client_ = fd;
    cursor_ = {};
    sent_threads_.clear();
    sent_events_ = 0;
    sent_gate_.reset();
    commands_ = StreamDecoder(false);
    StreamHello hello = hello_;
    {
        std::lock_guard l(m_);
        hello.can_shutdown = bool(shutdown_handler_);
        hello.can_step = bool(gate_);
    }
    out_.clear();
    append_hello(out_, hello);
    if (!send_all(out_, std::chrono::seconds(5))) {
        drop_viewer();
        return;
    }
    {
        std::lock_guard l(m_);
        attached_ = true;
        ++viewers_;
    }
    viewer_cv_.notify_all();
}

void TraceServer::drop_viewer() {
    if (client_ < 0)
        return;
    ::close(client_);
    client_ = -1;
    std::shared_ptr<StepGate> gate;
    std::function<void()> left;
    {
        std::lock_guard l(m_);
        attached_ = false;
        gate = gate_;
        left = viewer_left_handler_;
    }
    if (gate) // no one is left to step it: the program runs freely
        gate->run();
    if (left)
        left();
}

bool TraceServer::send_gate() {
    std::shared_ptr<StepGate> gate;
    {
        std::lock_guard l(m_);
        gate = gate_;
    }
    if (!gate)
        return true;
    const StepGate::Status s = gate->status();
    const StreamGate now{s.paused, std::uint32_t(s.waiting), std::uint32_t(s.waiting_task),
                         s.passed};
    if (sent_gate_ == now)
        return true;
    out_.clear();
    append_gate(out_, now);
    if (!send_all(out_, std::chrono::seconds(5)))
        return false;
    sent_gate_ = now;
    return true;
}

bool TraceServer::read_commands() {
    char buf[256];
    for (;;) {
        const auto n = ::recv(client_, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0)
            return false; // the viewer hung up
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        commands_.feed(std::string_view(buf, std::size_t(n)));
        StreamDecoder::Message m;
        while (commands_.next(m)) {
            if (!m.command)
                continue;
            std::function<void()> handler;
            std::shared_ptr<StepGate> gate;
            {
                std::lock_guard l(m_);
                handler = shutdown_handler_;
                gate = gate_;
            }
            switch (*m.command) {
            case StreamCommand::Shutdown:
                if (handler)
                    handler();
                break;
            case StreamCommand::Pause:
                if (gate)
                    gate->pause();
                break;
            case StreamCommand::Step:
                if (gate)
                    gate->step(int(m.steps));
                break;
            case StreamCommand::Run:
                if (gate)
                    gate->run();
                break;
            }
        }
        if (!commands_.error().empty())
            return false;
    }
}

bool TraceServer::send_new_events() {
    TraceDelta& d = delta_;
    recorder_->drain(cursor_, d); // (clears its events, keeping their capacity)
    const bool threads_changed = d.threads != sent_threads_;
    // Always at least one frame: its `now` moves a live view's clock on.
    std::size_t first = 0;
    do {
        out_.clear();
        append_delta(out_, d, first == 0, threads_changed, first, kEventsPerFrame);
        if (!send_all(out_, std::chrono::seconds(5)))
            return false;
        first += kEventsPerFrame;
    } while (first < d.events.size());
    if (threads_changed)
        sent_threads_ = std::move(d.threads);
    sent_events_ += d.events.size();
    // A first delta of millions of events is not kept for good.
    constexpr std::size_t kKeptEvents = std::size_t(1) << 20;
    if (d.events.capacity() > kKeptEvents)
        d.events = {};
    return true;
}

bool TraceServer::send_all(const std::string& bytes, std::chrono::milliseconds patience) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto n =
            ::send(client_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            done += std::size_t(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return false; // the viewer is gone
        pollfd out{client_, POLLOUT, 0};
        if (::poll(&out, 1, int(patience.count())) <= 0 || (out.revents & (POLLERR | POLLHUP)))
            return false; // it reads nothing: dropped, the program goes on
    }
    return true;
}

} // namespace pollscope::trace
