// The shim's answers for the files it recognises, shared by every interposed entry point.
// Each function takes the real call as a callable on a path, so the wrappers stay one line.
#pragma once

#include "accesses.hpp"
#include "image_state.hpp"
#include "log.hpp"
#include "paths.hpp"
#include "settings.hpp"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <type_traits>
#include <unistd.h>

namespace devmem::shim {

// Errors a locked-down or absent device gives; EACCES is a permission problem to pass on.
inline bool looks_locked_down(int error) {
    return error == EPERM || error == ENOENT || error == ENXIO;
}

// glibc declares the stat buffers nonnull, which would let the compiler drop a null check in
// the functions the shim defines under those names; the empty asm hides where pointer came from.
template <typename T> bool is_null(T* pointer) {
    asm("" : "+r"(pointer));
    return pointer == nullptr;
}

// The result a failed call of this kind returns: -1, or a null pointer (opendir).
template <typename Result> Result failed(int error) {
    errno = error;
    if constexpr (std::is_pointer_v<Result>)
        return nullptr;
    else
        return Result(-1);
}

inline int fail(int error) {
    return failed<int>(error);
}

// efi/systab and acpi/tables in fixture mode come from the fixture directory, or are absent (a
// dump has neither): never the host's. The real call does the rest, directories included.
template <typename Real>
auto redirect(const Settings& settings, Target target, int dirfd, const char* path, Real real) {
    char redirected[PATH_MAX];
    if (settings.firmware &&
        fixture_path(settings.firmware, target, dirfd, path, redirected, sizeof redirected))
        return real(redirected);
    return failed<decltype(real(path))>(ENOENT);
}

// A call on a path that only a redirection can concern, such as opendir or scandir.
template <typename Real> auto redirect_if_fixture(int dirfd, const char* path, Real real) {
    Target target = classify(dirfd, path);
    if (!is_redirected(target))
        return real(path);
    Settings settings = current_settings();
    return settings.fixture() ? redirect(settings, target, dirfd, path, real) : real(path);
}

// Automatic mode asks the real device first. True when its answer stands: success, or an error
// such as EACCES that a locked-down device would not give. Otherwise errno is restored.
template <typename Real> bool real_device_answers(Real real, const char* path, int& result) {
    int saved_errno = errno;
    result = real(path);
    if (result >= 0 || !looks_locked_down(errno))
        return true;
    errno = saved_errno;
    return false;
}

// A fresh open of the image (or of a fixture sysfs file): its own file offset, the caller's
// access mode and O_CLOEXEC. Fails with EPERM, never with a half image.
int open_served(const Settings& settings, Target target, const char* op, const char* path,
                int flags);

// Opens `path` the way the shim decides: pass through, serve the image, or deny like a
// locked-down kernel does for /dev/port and /dev/kmem.
template <typename RealOpen>
int open_target(Target target, const char* op, int dirfd, const char* path, int flags,
                RealOpen real) {
    Settings settings = current_settings();
    if (is_sysfs(target)) {
        if (!settings.fixture())
            return real(path);
        if (is_redirected(target))
            return redirect(settings, target, dirfd, path, real);
        if (int error = devmem_open_flags_error(flags))
            return fail(error);
        return open_served(settings, target, op, path, flags);
    }
    int fd;
    switch (settings.mode) {
    case Mode::off:
        return real(path);
    case Mode::audit:
        fd = real(path);
        log_event(settings, {op, path, target, fd >= 0 ? "passthrough" : "failed", 0, 0,
                             fd >= 0 ? nullptr : strerror(errno)});
        if (fd >= 0 && settings.log)
            watch_audited_device(target, fd);
        return fd;
    case Mode::automatic:
        if (real_device_answers(real, path, fd))
            return fd;
        break;
    case Mode::always:
        break;
    }
    if (int error = devmem_open_flags_error(flags))
        return fail(error);
    if (target != Target::mem) {
        log_event(settings, {op, path, target, "denied", 0, 0, "locked down"});
        return fail(EPERM);
    }
    return open_served(settings, target, op, path, flags);
}

inline dev_t device_number(Target target) {
    return target == Target::port   ? makedev(1, 4)
           : target == Target::kmem ? makedev(1, 2)
                                    : makedev(1, 1);
}

// What stat reports for the devices: char devices 1:1, 1:2, 1:4, mode 0640, as udev makes them.
template <typename Stat> void describe_device(Stat* st, Target target) {
    *st = Stat{};
    st->st_mode = S_IFCHR | 0640;
    st->st_rdev = device_number(target);
    st->st_nlink = 1;
    st->st_blksize = 4096;
}

// Whether fd is a descriptor of an image: this process's, known by identity without a syscall,
// or one inherited across exec from a shimmed parent, whose memfd this process did not make.
// Only unlinked files, as memfds are, cost a readlink. Preserves errno.
bool is_image_descriptor(int fd, dev_t dev, ino_t ino, nlink_t links);

// A descriptor of the image reports itself as the device it stands for.
template <typename Stat> void disguise_if_served(int fd, int result, Stat* st) {
    if (result == 0 && S_ISREG(st->st_mode) &&
        is_image_descriptor(fd, st->st_dev, st->st_ino, st->st_nlink)) {
        st->st_mode = S_IFCHR | 0640;
        st->st_rdev = makedev(1, 1);
        st->st_size = 0;
        st->st_blocks = 0;
    }
}

// stat and friends on a recognised path. real(path) performs the real call into the caller's
// buffer; describe() fills it in for a device; on_fd(fd) stats a served sysfs file.
template <typename RealStat, typename Describe, typename OnFd>
int stat_target(Target target, int dirfd, const char* path, RealStat real, Describe describe,
                OnFd on_fd) {
    Settings settings = current_settings();
    if (is_sysfs(target)) {
        if (!settings.fixture())
            return real(path);
        if (is_redirected(target))
            return redirect(settings, target, dirfd, path, real);
        devmem_status status;
        const ServedImage* image = served_image(settings, &status);
        if (!image)
            return fail(EPERM);
        const ServedFile& file = image->file_for(target);
        return holds(file.fd, file) ? on_fd(file.fd) : fail(EPERM);
    }
    if (settings.mode == Mode::off || settings.mode == Mode::audit)
        return real(path);
    int result;
    if (settings.mode == Mode::automatic && real_device_answers(real, path, result))
        return result;
    describe();
    return 0;
}

// access and friends: a served file is readable and writable (writes then fail), never
// executable.
template <typename RealAccess>
int access_target(Target target, int dirfd, const char* path, int mode, RealAccess real) {
    Settings settings = current_settings();
    if (is_sysfs(target)) {
        if (!settings.fixture())
            return real(path);
        if (is_redirected(target))
            return redirect(settings, target, dirfd, path, real);
    } else {
        int result;
        if (settings.mode == Mode::off || settings.mode == Mode::audit)
            return real(path);
        if (settings.mode == Mode::automatic && real_device_answers(real, path, result))
            return result;
    }
    return (mode & X_OK) ? fail(EACCES) : 0;
}

} // namespace devmem::shim
