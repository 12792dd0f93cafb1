#include "unix_socket.h"

#include <cstring>

#include <sys/socket.h>

namespace pollscope::trace {

bool unix_socket_address(const std::string& path, sockaddr_un& addr) {
    addr = {};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path)
        return false;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return true;
}

std::string errno_text(int e) {
    return std::strerror(e); // NOLINT(concurrency-mt-unsafe): glibc's is thread-safe
}

} // namespace pollscope::trace
