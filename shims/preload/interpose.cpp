// The exported symbols. Each recognises its path (a few string compares for every other path)
// and either hands the call to the next definition untouched or lets serve.hpp answer it.
#include "accesses.hpp"
#include "next.hpp"
#include "serve.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define DEVMEM_EXPORT extern "C" __attribute__((visibility("default")))

// Symbols glibc still exports for old binaries but no longer declares. Their reserved names are
// the point: the shim must define exactly these.
// NOLINTBEGIN(bugprone-reserved-identifier)
extern "C" {
int __open_2(const char* path, int flags);
int __open64_2(const char* path, int flags);
int __openat_2(int dirfd, const char* path, int flags);
int __openat64_2(int dirfd, const char* path, int flags);
int __xstat(int version, const char* path, struct stat* st);
int __lxstat(int version, const char* path, struct stat* st);
int __fxstat(int version, int fd, struct stat* st);
int __fxstatat(int version, int dirfd, const char* path, struct stat* st, int flags);
int __xstat64(int version, const char* path, struct stat64* st);
int __lxstat64(int version, const char* path, struct stat64* st);
int __fxstat64(int version, int fd, struct stat64* st);
int __fxstatat64(int version, int dirfd, const char* path, struct stat64* st, int flags);
ssize_t __read_chk(int fd, void* buf, size_t count, size_t buffer_size);
ssize_t __pread_chk(int fd, void* buf, size_t count, off_t offset, size_t buffer_size);
ssize_t __pread64_chk(int fd, void* buf, size_t count, off64_t offset, size_t buffer_size);
}
// NOLINTEND(bugprone-reserved-identifier)

using namespace devmem::shim;

namespace {

// open's third argument exists only when the flags create a file.
bool creates_file(int flags) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

template <typename Real> int open_at(int dirfd, const char* path, int flags, Real real) {
    Target target = classify(dirfd, path);
    if (target == Target::none)
        return real(path);
    return open_target(target, "open", dirfd, path, flags, real);
}

// fopen's mode string as open(2) flags: what the served descriptor must honour; -1 for a mode
// fopen(3) rejects with EINVAL.
int stdio_flags(const char* mode) {
    if (!mode || !mode[0] || !strchr("rwa", mode[0]))
        return -1;
    int flags = strchr(mode, '+') ? O_RDWR : mode[0] == 'r' ? O_RDONLY : O_WRONLY;
    if (mode[0] == 'w')
        flags |= O_CREAT | O_TRUNC;
    if (mode[0] == 'a')
        flags |= O_CREAT | O_APPEND;
    if (strchr(mode, 'e'))
        flags |= O_CLOEXEC;
    if (strchr(mode, 'x'))
        flags |= O_EXCL;
    return flags;
}

FILE* stream_on(int fd, const char* mode) {
    if (fd < 0)
        return nullptr;
    FILE* stream = fdopen(fd, mode);
    if (!stream) {
        int error = errno;
        close(fd);
        errno = error;
    }
    return stream;
}

template <typename RealFopen> FILE* fopen_with(const char* path, const char* mode, RealFopen real) {
    Target target = classify(AT_FDCWD, path);
    if (target == Target::none)
        return real(path);
    int flags = stdio_flags(mode);
    if (flags < 0) {
        errno = EINVAL;
        return nullptr;
    }
    int fd = open_target(target, "fopen", AT_FDCWD, path, flags,
                         [flags](const char* p) { return DEVMEM_NEXT(open)(p, flags, 0666); });
    return stream_on(fd, mode);
}

// freopen keeps the caller's FILE object, so the served descriptor is handed to the real
// freopen through /proc; a sealed image must not be truncated, hence "r"/"r+".
template <typename RealFreopen>
FILE* freopen_with(const char* path, const char* mode, FILE* stream, RealFreopen real) {
    Target target = path ? classify(AT_FDCWD, path) : Target::none;
    if (target == Target::none)
        return real(path);
    int flags = stdio_flags(mode);
    int fd = flags < 0
                 ? fail(EINVAL)
                 : open_target(target, "freopen", AT_FDCWD, path, flags, [flags](const char* p) {
                       return DEVMEM_NEXT(open)(p, flags, 0666);
                   });
    if (fd < 0) {
        (void)fclose(stream); // a failed freopen leaves the stream closed
        return nullptr;
    }
    FILE* reopened = real(ProcFdPath(fd).text, strchr(mode, '+') ? "r+" : "r");
    close(fd);
    return reopened;
}

template <typename Stat, typename RealStat, typename RealFstat>
int stat_at(int dirfd, const char* path, Stat* st, RealStat real, RealFstat real_fstat) {
    Target target = classify(dirfd, path);
    if (target == Target::none)
        return real(path);
    if (is_null(st))
        return fail(EFAULT); // as the kernel says for a bad buffer
    return stat_target(
        target, dirfd, path, real, [st, target] { describe_device(st, target); },
        [st, real_fstat](int fd) { return real_fstat(fd, st); });
}

template <typename Real> int access_at(int dirfd, const char* path, int mode, Real real) {
    Target target = classify(dirfd, path);
    if (target == Target::none)
        return real(path);
    return access_target(target, dirfd, path, mode, real);
}

int real_fstat(int fd, struct stat* st) {
    return DEVMEM_NEXT(fstat)(fd, st);
}
int real_fstat64(int fd, struct stat64* st) {
    return DEVMEM_NEXT(fstat64)(fd, st);
}

bool empty_path(const char* path, int flags) {
    return (flags & AT_EMPTY_PATH) && path && path[0] == '\0';
}

void disguise_statx(struct statx* stx) {
    stx->stx_mode = S_IFCHR | 0640;
    stx->stx_rdev_major = 1;
    stx->stx_rdev_minor = 1;
    stx->stx_size = 0;
    stx->stx_blocks = 0;
}

// The bytes an iovec array asks for; 0 for one the kernel would refuse (EFAULT, EINVAL), which
// the shim must not read.
uint64_t requested(const struct iovec* iov, int count) {
    if (is_null(iov) || count < 0 || count > IOV_MAX)
        return 0;
    uint64_t total = 0;
    for (int i = 0; i < count; ++i)
        total += iov[i].iov_len;
    return total;
}

void describe_device_statx(struct statx* stx, Target target) {
    memset(stx, 0, sizeof *stx);
    stx->stx_mask = STATX_TYPE | STATX_MODE | STATX_NLINK;
    stx->stx_mode = S_IFCHR | 0640;
    stx->stx_nlink = 1;
    stx->stx_blksize = 4096;
    stx->stx_rdev_major = major(device_number(target));
    stx->stx_rdev_minor = minor(device_number(target));
}

} // namespace

DEVMEM_EXPORT int open(const char* path, int flags, ...) {
    mode_t mode = 0;
    if (creates_file(flags)) {
        va_list args;
        va_start(args, flags);
        // The analyzer misses va_start on x86-64's array-typed va_list.
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
        mode = mode_t(va_arg(args, int));
        va_end(args);
    }
    return open_at(AT_FDCWD, path, flags,
                   [=](const char* p) { return DEVMEM_NEXT(open)(p, flags, mode); });
}

DEVMEM_EXPORT int open64(const char* path, int flags, ...) {
    mode_t mode = 0;
    if (creates_file(flags)) {
        va_list args;
        va_start(args, flags);
        // The analyzer misses va_start on x86-64's array-typed va_list.
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
        mode = mode_t(va_arg(args, int));
        va_end(args);
    }
    return open_at(AT_FDCWD, path, flags,
                   [=](const char* p) { return DEVMEM_NEXT(open64)(p, flags, mode); });
}

DEVMEM_EXPORT int openat(int dirfd, const char* path, int flags, ...) {
    mode_t mode = 0;
    if (creates_file(flags)) {
        va_list args;
        va_start(args, flags);
        // The analyzer misses va_start on x86-64's array-typed va_list.
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
        mode = mode_t(va_arg(args, int));
        va_end(args);
    }
    return open_at(dirfd, path, flags,
                   [=](const char* p) { return DEVMEM_NEXT(openat)(dirfd, p, flags, mode); });
}

DEVMEM_EXPORT int openat64(int dirfd, const char* path, int flags, ...) {
    mode_t mode = 0;
    if (creates_file(flags)) {
        va_list args;
        va_start(args, flags);
        // The analyzer misses va_start on x86-64's array-typed va_list.
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
        mode = mode_t(va_arg(args, int));
        va_end(args);
    }
    return open_at(dirfd, path, flags,
                   [=](const char* p) { return DEVMEM_NEXT(openat64)(dirfd, p, flags, mode); });
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __open_2(const char* path, int flags) {
    return open_at(AT_FDCWD, path, flags,
                   [=](const char* p) { return DEVMEM_NEXT(__open_2)(p, flags); });
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __open64_2(const char* path, int flags) {
    return open_at(AT_FDCWD, path, flags,
                   [=](const char* p) { return DEVMEM_NEXT(__open64_2)(p, flags); });
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __openat_2(int dirfd, const char* path, int flags) {
    return open_at(dirfd, path, flags,
                   [=](const char* p) { return DEVMEM_NEXT(__openat_2)(dirfd, p, flags); });
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __openat64_2(int dirfd, const char* path, int flags) {
    return open_at(dirfd, path, flags,
                   [=](const char* p) { return DEVMEM_NEXT(__openat64_2)(dirfd, p, flags); });
}

DEVMEM_EXPORT FILE* fopen(const char* path, const char* mode) {
    return fopen_with(path, mode, [=](const char* p) { return DEVMEM_NEXT(fopen)(p, mode); });
}

DEVMEM_EXPORT FILE* fopen64(const char* path, const char* mode) {
    return fopen_with(path, mode, [=](const char* p) { return DEVMEM_NEXT(fopen64)(p, mode); });
}

DEVMEM_EXPORT FILE* freopen(const char* path, const char* mode, FILE* stream) {
    return freopen_with(path, mode, stream, [=](const char* p, const char* m = nullptr) {
        return DEVMEM_NEXT(freopen)(p, m ? m : mode, stream);
    });
}

DEVMEM_EXPORT FILE* freopen64(const char* path, const char* mode, FILE* stream) {
    return freopen_with(path, mode, stream, [=](const char* p, const char* m = nullptr) {
        return DEVMEM_NEXT(freopen64)(p, m ? m : mode, stream);
    });
}

DEVMEM_EXPORT int stat(const char* path, struct stat* st) {
    return stat_at(
        AT_FDCWD, path, st, [=](const char* p) { return DEVMEM_NEXT(stat)(p, st); }, real_fstat);
}

DEVMEM_EXPORT int lstat(const char* path, struct stat* st) {
    return stat_at(
        AT_FDCWD, path, st, [=](const char* p) { return DEVMEM_NEXT(lstat)(p, st); }, real_fstat);
}

DEVMEM_EXPORT int fstat(int fd, struct stat* st) {
    int result = DEVMEM_NEXT(fstat)(fd, st);
    disguise_if_served(fd, result, st);
    return result;
}

DEVMEM_EXPORT int fstatat(int dirfd, const char* path, struct stat* st, int flags) {
    if (empty_path(path, flags))
        return fstat(dirfd, st);
    return stat_at(
        dirfd, path, st, [=](const char* p) { return DEVMEM_NEXT(fstatat)(dirfd, p, st, flags); },
        real_fstat);
}

DEVMEM_EXPORT int stat64(const char* path, struct stat64* st) {
    return stat_at(
        AT_FDCWD, path, st, [=](const char* p) { return DEVMEM_NEXT(stat64)(p, st); },
        real_fstat64);
}

DEVMEM_EXPORT int lstat64(const char* path, struct stat64* st) {
    return stat_at(
        AT_FDCWD, path, st, [=](const char* p) { return DEVMEM_NEXT(lstat64)(p, st); },
        real_fstat64);
}

DEVMEM_EXPORT int fstat64(int fd, struct stat64* st) {
    int result = DEVMEM_NEXT(fstat64)(fd, st);
    disguise_if_served(fd, result, st);
    return result;
}

DEVMEM_EXPORT int fstatat64(int dirfd, const char* path, struct stat64* st, int flags) {
    if (empty_path(path, flags))
        return fstat64(dirfd, st);
    return stat_at(
        dirfd, path, st, [=](const char* p) { return DEVMEM_NEXT(fstatat64)(dirfd, p, st, flags); },
        real_fstat64);
}

DEVMEM_EXPORT int statx(int dirfd, const char* path, int flags, unsigned mask, struct statx* stx) {
    auto real = [=](const char* p) { return DEVMEM_NEXT(statx)(dirfd, p, flags, mask, stx); };
    bool of_descriptor = empty_path(path, flags);
    Target target = of_descriptor ? Target::none : classify(dirfd, path);
    if (target == Target::none) {
        int result = real(path);
        if (result == 0 && S_ISREG(stx->stx_mode) &&
            is_image_descriptor(of_descriptor ? dirfd : -1,
                                makedev(stx->stx_dev_major, stx->stx_dev_minor), stx->stx_ino,
                                stx->stx_nlink))
            disguise_statx(stx);
        return result;
    }
    if (is_null(stx))
        return fail(EFAULT);
    return stat_target(
        target, dirfd, path, real, [=] { describe_device_statx(stx, target); },
        [=](int fd) { return DEVMEM_NEXT(statx)(fd, "", AT_EMPTY_PATH, mask, stx); });
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __xstat(int version, const char* path, struct stat* st) {
    return stat_at(
        AT_FDCWD, path, st, [=](const char* p) { return DEVMEM_NEXT(__xstat)(version, p, st); },
        real_fstat);
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __lxstat(int version, const char* path, struct stat* st) {
    return stat_at(
        AT_FDCWD, path, st, [=](const char* p) { return DEVMEM_NEXT(__lxstat)(version, p, st); },
        real_fstat);
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __fxstat(int version, int fd, struct stat* st) {
    int result = DEVMEM_NEXT(__fxstat)(version, fd, st);
    disguise_if_served(fd, result, st);
    return result;
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __fxstatat(int version, int dirfd, const char* path, struct stat* st, int flags) {
    if (empty_path(path, flags))
        return __fxstat(version, dirfd, st);
    return stat_at(
        dirfd, path, st,
        [=](const char* p) { return DEVMEM_NEXT(__fxstatat)(version, dirfd, p, st, flags); },
        real_fstat);
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __xstat64(int version, const char* path, struct stat64* st) {
    return stat_at(
        AT_FDCWD, path, st, [=](const char* p) { return DEVMEM_NEXT(__xstat64)(version, p, st); },
        real_fstat64);
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __lxstat64(int version, const char* path, struct stat64* st) {
    return stat_at(
        AT_FDCWD, path, st, [=](const char* p) { return DEVMEM_NEXT(__lxstat64)(version, p, st); },
        real_fstat64);
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __fxstat64(int version, int fd, struct stat64* st) {
    int result = DEVMEM_NEXT(__fxstat64)(version, fd, st);
    disguise_if_served(fd, result, st);
    return result;
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT int __fxstatat64(int version, int dirfd, const char* path, struct stat64* st,
                               int flags) {
    if (empty_path(path, flags))
        return __fxstat64(version, dirfd, st);
    return stat_at(
        dirfd, path, st,
        [=](const char* p) { return DEVMEM_NEXT(__fxstatat64)(version, dirfd, p, st, flags); },
        real_fstat64);
}

DEVMEM_EXPORT int access(const char* path, int mode) {
    return access_at(AT_FDCWD, path, mode,
                     [=](const char* p) { return DEVMEM_NEXT(access)(p, mode); });
}

DEVMEM_EXPORT int faccessat(int dirfd, const char* path, int mode, int flags) {
    return access_at(dirfd, path, mode,
                     [=](const char* p) { return DEVMEM_NEXT(faccessat)(dirfd, p, mode, flags); });
}

DEVMEM_EXPORT int euidaccess(const char* path, int mode) {
    return access_at(AT_FDCWD, path, mode,
                     [=](const char* p) { return DEVMEM_NEXT(euidaccess)(p, mode); });
}

DEVMEM_EXPORT int eaccess(const char* path, int mode) {
    return access_at(AT_FDCWD, path, mode,
                     [=](const char* p) { return DEVMEM_NEXT(eaccess)(p, mode); });
}

// Directory listings: glibc's opendir and scandir open the directory with internal calls the
// shim cannot see, so each is redirected as a whole. fdopendir needs nothing: the open or
// openat that made its descriptor was redirected already.
DEVMEM_EXPORT DIR* opendir(const char* path) {
    return redirect_if_fixture(AT_FDCWD, path,
                               [](const char* p) { return DEVMEM_NEXT(opendir)(p); });
}

DEVMEM_EXPORT int scandir(const char* path, struct dirent*** list,
                          int (*filter)(const struct dirent*),
                          int (*compare)(const struct dirent**, const struct dirent**)) {
    return redirect_if_fixture(AT_FDCWD, path, [=](const char* p) {
        return DEVMEM_NEXT(scandir)(p, list, filter, compare);
    });
}

DEVMEM_EXPORT int scandir64(const char* path, struct dirent64*** list,
                            int (*filter)(const struct dirent64*),
                            int (*compare)(const struct dirent64**, const struct dirent64**)) {
    return redirect_if_fixture(AT_FDCWD, path, [=](const char* p) {
        return DEVMEM_NEXT(scandir64)(p, list, filter, compare);
    });
}

DEVMEM_EXPORT int scandirat(int dirfd, const char* path, struct dirent*** list,
                            int (*filter)(const struct dirent*),
                            int (*compare)(const struct dirent**, const struct dirent**)) {
    return redirect_if_fixture(dirfd, path, [=](const char* p) {
        return DEVMEM_NEXT(scandirat)(dirfd, p, list, filter, compare);
    });
}

DEVMEM_EXPORT int scandirat64(int dirfd, const char* path, struct dirent64*** list,
                              int (*filter)(const struct dirent64*),
                              int (*compare)(const struct dirent64**, const struct dirent64**)) {
    return redirect_if_fixture(dirfd, path, [=](const char* p) {
        return DEVMEM_NEXT(scandirat64)(dirfd, p, list, filter, compare);
    });
}

// Reads and mappings: one relaxed load, then the real call, in a process that never got a
// /dev/mem descriptor from the shim (accesses.hpp). The fortified variants glibc substitutes
// under _FORTIFY_SOURCE are logged under the names the source used. Sanitizer runtimes read and
// map through these while they initialise, so their pass-through path stays uninstrumented in
// the ThreadSanitizer copy of the library (DEVMEM_BEFORE_SANITIZER_INIT).
DEVMEM_EXPORT DEVMEM_BEFORE_SANITIZER_INIT ssize_t read(int fd, void* buf, size_t count) {
    auto real = DEVMEM_NEXT_EARLY(read);
    if (!accesses_watched())
        return real(fd, buf, count);
    return watched_read("read", fd, nullptr, count, real, fd, buf, count);
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT DEVMEM_BEFORE_SANITIZER_INIT ssize_t __read_chk(int fd, void* buf, size_t count,
                                                              size_t buffer_size) {
    auto real = DEVMEM_NEXT_EARLY(__read_chk);
    if (!accesses_watched())
        return real(fd, buf, count, buffer_size);
    return watched_read("read", fd, nullptr, count, real, fd, buf, count, buffer_size);
}

DEVMEM_EXPORT DEVMEM_BEFORE_SANITIZER_INIT ssize_t pread(int fd, void* buf, size_t count,
                                                         off_t offset) {
    auto real = DEVMEM_NEXT_EARLY(pread);
    if (!accesses_watched())
        return real(fd, buf, count, offset);
    return watched_read("pread", fd, &offset, count, real, fd, buf, count, offset);
}

DEVMEM_EXPORT DEVMEM_BEFORE_SANITIZER_INIT ssize_t pread64(int fd, void* buf, size_t count,
                                                           off64_t offset) {
    auto real = DEVMEM_NEXT_EARLY(pread64);
    if (!accesses_watched())
        return real(fd, buf, count, offset);
    return watched_read("pread64", fd, &offset, count, real, fd, buf, count, offset);
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT DEVMEM_BEFORE_SANITIZER_INIT ssize_t __pread_chk(int fd, void* buf, size_t count,
                                                               off_t offset, size_t buffer_size) {
    auto real = DEVMEM_NEXT_EARLY(__pread_chk);
    if (!accesses_watched())
        return real(fd, buf, count, offset, buffer_size);
    return watched_read("pread", fd, &offset, count, real, fd, buf, count, offset, buffer_size);
}

// NOLINTNEXTLINE(bugprone-reserved-identifier)
DEVMEM_EXPORT DEVMEM_BEFORE_SANITIZER_INIT ssize_t __pread64_chk(int fd, void* buf, size_t count,
                                                                 off64_t offset,
                                                                 size_t buffer_size) {
    auto real = DEVMEM_NEXT_EARLY(__pread64_chk);
    if (!accesses_watched())
        return real(fd, buf, count, offset, buffer_size);
    return watched_read("pread64", fd, &offset, count, real, fd, buf, count, offset, buffer_size);
}

// The vector is looked at only in a watched process: on the pass-through path it is the
// caller's, unread.
DEVMEM_EXPORT DEVMEM_BEFORE_SANITIZER_INIT ssize_t readv(int fd, const struct iovec* iov,
                                                         int count) {
    auto real = DEVMEM_NEXT_EARLY(readv);
    if (!accesses_watched())
        return real(fd, iov, count);
    return watched_read("readv", fd, nullptr, requested(iov, count), real, fd, iov, count);
}

DEVMEM_EXPORT DEVMEM_BEFORE_SANITIZER_INIT ssize_t preadv(int fd, const struct iovec* iov,
                                                          int count, off_t offset) {
    auto real = DEVMEM_NEXT_EARLY(preadv);
    if (!accesses_watched())
        return real(fd, iov, count, offset);
    return watched_read("preadv", fd, &offset, requested(iov, count), real, fd, iov, count, offset);
}

DEVMEM_EXPORT DEVMEM_BEFORE_SANITIZER_INIT ssize_t preadv64(int fd, const struct iovec* iov,
                                                            int count, off64_t offset) {
    auto real = DEVMEM_NEXT_EARLY(preadv64);
    if (!accesses_watched())
        return real(fd, iov, count, offset);
    return watched_read("preadv64", fd, &offset, requested(iov, count), real, fd, iov, count,
                        offset);
}

// Anonymous mappings are never looked at.
DEVMEM_EXPORT DEVMEM_BEFORE_SANITIZER_INIT void* mmap(void* address, size_t length, int prot,
                                                      int flags, int fd, off_t offset) {
    auto real = DEVMEM_NEXT_EARLY(mmap);
    if (!accesses_watched() || fd < 0 || (flags & MAP_ANONYMOUS))
        return real(address, length, prot, flags, fd, offset);
    return watched_map("mmap", fd, length, offset, prot, real, address, length, prot, flags, fd,
                       offset);
}

DEVMEM_EXPORT DEVMEM_BEFORE_SANITIZER_INIT void* mmap64(void* address, size_t length, int prot,
                                                        int flags, int fd, off64_t offset) {
    auto real = DEVMEM_NEXT_EARLY(mmap64);
    if (!accesses_watched() || fd < 0 || (flags & MAP_ANONYMOUS))
        return real(address, length, prot, flags, fd, offset);
    return watched_map("mmap64", fd, length, offset, prot, real, address, length, prot, flags, fd,
                       offset);
}
