#pragma once
// What the trace server and the stream client share about Unix domain
// sockets (POSIX): the address of a path, and an errno's text.

#include <string>

#include <sys/un.h>

namespace pollscope::trace {

/// The socket address of `path`; false when it is empty or too long for one.
bool unix_socket_address(const std::string& path, sockaddr_un& addr);
/// strerror(e) as a string.
std::string errno_text(int e);

} // namespace pollscope::trace
