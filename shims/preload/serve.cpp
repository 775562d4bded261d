#include "serve.hpp"

#include "accesses.hpp"
#include "next.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace devmem::shim {

namespace {

// Reopening through /proc gives the new descriptor its own offset, as a fresh open of the
// device has. Without /proc a duplicate (sharing the offset) is better than failing. -1 with
// *why set when that fails or gives another file than the image's.
int reopen(const ServedFile& file, int flags, const char** why) {
    int served = DEVMEM_NEXT(open)(ProcFdPath(file.fd).text, devmem_reopen_flags(flags));
    if (served < 0 && errno == ENOENT)
        served = fcntl(file.fd, (flags & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
    if (served < 0) {
        *why = strerror(errno);
        return -1;
    }
    if (!holds(served, file)) {
        close(served);
        *why = "the program closed the image's descriptor";
        return -1;
    }
    return served;
}

} // namespace

bool is_image_descriptor(int fd, dev_t dev, ino_t ino, nlink_t links) {
    if (is_served_image(dev, ino))
        return true;
    if (links != 0 || fd < 0)
        return false;
    constexpr char image_link[] = "/memfd:" DEVMEM_IMAGE_MEMFD_NAME " (deleted)";
    char link[sizeof image_link];
    int saved_errno = errno;
    ssize_t n = readlink(ProcFdPath(fd).text, link, sizeof link);
    errno = saved_errno;
    return n == ssize_t(sizeof image_link - 1) && memcmp(link, image_link, size_t(n)) == 0;
}

int open_served(const Settings& settings, Target target, const char* op, const char* path,
                int flags) {
    int saved_errno = errno;
    devmem_status status;
    const ServedImage* image = served_image(settings, &status);
    const char* why = image ? nullptr : devmem_status_text(status);
    int fd = image ? reopen(image->file_for(target), flags, &why) : -1;
    if (fd < 0) {
        log_event(settings, {op, path, target, "denied", 0, 0, why});
        return fail(EPERM);
    }
    log_event(settings, {op, path, target, "served", 0, image->file_for(target).size, nullptr});
    if (target == Target::mem)
        watch_accesses();
    errno = saved_errno;
    return fd;
}

} // namespace devmem::shim
