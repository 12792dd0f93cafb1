#include "atomic_file.h"

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pollscope::trace {

namespace {

bool fail(std::string* error, const std::string& path, const std::string& why) {
    if (error)
        *error = "cannot write " + path + ": " + why;
    return false;
}

std::string reason(int err) {
    return std::generic_category().message(err);
}

bool write_fully(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        size -= std::size_t(n);
    }
    return true;
}

/// A temporary file beside `target`, created exclusively with mode 0666 minus
/// the umask; -1 with errno set on failure.
int create_temporary(const std::string& target, std::string& temp_path) {
    static std::atomic<unsigned> counter{0};
    for (int attempt = 0; attempt < 100; ++attempt) {
        temp_path = target + ".tmp-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
        const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

} // namespace

bool write_file_atomically(const std::string& path, const std::function<bool(const Sink&)>& write,
                           std::string* error) {
    namespace fs = std::filesystem;
    std::string target = path;
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(path, ec))) {
        const fs::path resolved = fs::weakly_canonical(path, ec);
        if (ec)
            return fail(error, path, ec.message());
        target = resolved.string();
    }
    struct stat old {};
    const bool existed = ::stat(target.c_str(), &old) == 0;
    // Renaming over a FIFO or a device would replace it with a regular file.
    if (existed && !S_ISREG(old.st_mode))
        return fail(error, path, "not a regular file");

    std::string temp;
    const int fd = create_temporary(target, temp);
    if (fd < 0)
        return fail(error, path, reason(errno));
    auto abandon = [&](int err) {
        ::close(fd);
        ::unlink(temp.c_str());
        return fail(error, path, reason(err));
    };
    if (existed && ::fchmod(fd, old.st_mode & 07777) != 0)
        return abandon(errno);

    // Blocks are gathered so that small ones do not cost a system call each.
    constexpr std::size_t kBuffer = std::size_t(1) << 16;
    std::string buffer;
    buffer.reserve(kBuffer);
    int write_errno = 0;
    const Sink sink = [&](std::string_view block) {
        if (write_errno)
            return false;
        if (buffer.size() + block.size() > kBuffer) {
            if (!write_fully(fd, buffer.data(), buffer.size())) {
                write_errno = errno;
                return false;
            }
            buffer.clear();
        }
        if (block.size() >= kBuffer) {
            if (!write_fully(fd, block.data(), block.size())) {
                write_errno = errno;
                return false;
            }
            return true;
        }
        buffer.append(block);
        return true;
    };
    if (!write(sink)) {
        if (write_errno)
            return abandon(write_errno);
        ::close(fd);
        ::unlink(temp.c_str());
        return fail(error, path, "the content could not be written");
    }
    if (!write_fully(fd, buffer.data(), buffer.size()) || ::fsync(fd) != 0)
        return abandon(errno);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return fail(error, path, reason(err));
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return fail(error, path, reason(err));
    }
    return true;
}

} // namespace pollscope::trace
