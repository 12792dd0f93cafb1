#include "thread_priority.h"

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace pollscope::app {

void lower_this_thread_priority(int steps) noexcept {
#if defined(__linux__)
    // On Linux a nice value belongs to a thread (its tid), not the process.
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int now = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0)
        ::setpriority(PRIO_PROCESS, tid, now + steps);
#else
    (void)steps;
#endif
}

} // namespace pollscope::app
