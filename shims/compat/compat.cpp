// libdevmem-compat: the shim's image and tables as a library call instead of an interposed open.
// Stateless: every call reads the firmware anew, so there is nothing to lock, cache or reset
// after fork. No exceptions, no RTTI, no C++ runtime, as for the preload.
#include <devmem/compat.h>
#include <devmem/image.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEVMEM_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

enum class Device { other, mem, locked };

// Exact spellings: a caller porting off /dev/mem passes the constant it used to open.
Device device_of(const char* path) {
    if (strcmp(path, "/dev/mem") == 0)
        return Device::mem;
    if (strcmp(path, "/dev/port") == 0 || strcmp(path, "/dev/kmem") == 0)
        return Device::locked;
    return Device::other;
}

int fail(int error) {
    errno = error;
    return -1;
}

// secure_getenv: a setuid caller must not let its user choose the firmware tables.
const char* setting(const char* name) {
    const char* value = secure_getenv(name);
    return value && *value ? value : nullptr;
}

devmem_status load_source(devmem_source* source) {
    if (const char* dump = setting("DEVMEM_SHIM_DUMP"))
        return devmem_source_load_dump(dump, source);
    const char* firmware = setting("DEVMEM_SHIM_FIRMWARE");
    return devmem_source_load_firmware_dir(firmware ? firmware : "/sys/firmware", source);
}

devmem_status load_layout(devmem_source* source, devmem_layout* layout) {
    devmem_status status = load_source(source);
    return status == DEVMEM_OK ? devmem_plan_layout(source, layout) : status;
}

int image_memfd() {
    devmem_source source;
    devmem_layout layout;
    devmem_status status = load_layout(&source, &layout);
    int fd = status == DEVMEM_OK ? devmem_create_image_memfd(&source, &layout, &status) : -1;
    devmem_source_release(&source);
    return fd;
}

// Reopening through /proc gives the caller's access mode and flags; without /proc the memfd
// itself (read-write, close-on-exec as asked) is better than failing.
int reopen(int memfd, int flags) {
    char path[32];
    (void)snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
    int fd = open(path, devmem_reopen_flags(flags));
    if (fd < 0 && errno == ENOENT && ((flags & O_CLOEXEC) || fcntl(memfd, F_SETFD, 0) == 0))
        return memfd;
    close(memfd);
    return fd;
}

int open_image(int flags) {
    int memfd = image_memfd();
    int fd = memfd < 0 ? -1 : reopen(memfd, flags);
    return fd < 0 ? fail(EPERM) : fd;
}

// fopen's mode as open(2) flags; -1 for a mode fopen(3) rejects with EINVAL.
int stdio_flags(const char* mode) {
    if (!mode || !mode[0] || !strchr("rwa", mode[0]))
        return -1;
    int flags = strchr(mode, '+') ? O_RDWR : mode[0] == 'r' ? O_RDONLY : O_WRONLY;
    if (mode[0] != 'r')
        flags |= O_CREAT;
    if (strchr(mode, 'e'))
        flags |= O_CLOEXEC;
    if (strchr(mode, 'x'))
        flags |= O_EXCL;
    return flags;
}

int copy_smbios(const devmem_source& source, const devmem_layout& layout, devmem_smbios* out) {
    out->table = static_cast<uint8_t*>(malloc(source.table_size));
    if (!out->table)
        return ENOMEM;
    memcpy(out->table, source.table, source.table_size);
    out->table_size = source.table_size;
    memcpy(out->entry_point, layout.entry_point.bytes, layout.entry_point.size);
    out->entry_point_size = layout.entry_point.size;
    out->table_address = layout.table_address;
    out->major = layout.entry_point.major;
    out->minor = layout.entry_point.minor;
    return 0;
}

} // namespace

DEVMEM_EXPORT int devmem_compat_open(const char* path, int flags) {
    if (!path)
        return fail(EFAULT);
    Device device = device_of(path);
    if (device == Device::other)
        return open(path, flags, 0666);
    if (int error = devmem_open_flags_error(flags))
        return fail(error);
    return device == Device::mem ? open_image(flags) : fail(EPERM);
}

DEVMEM_EXPORT FILE* devmem_compat_fopen(const char* path, const char* mode) {
    if (!path) {
        errno = EFAULT;
        return nullptr;
    }
    int flags = stdio_flags(mode);
    if (flags < 0) {
        errno = EINVAL;
        return nullptr;
    }
    if (device_of(path) == Device::other)
        return fopen(path, mode);
    int fd = devmem_compat_open(path, flags);
    FILE* stream = fd < 0 ? nullptr : fdopen(fd, mode);
    if (fd >= 0 && !stream) {
        int error = errno;
        close(fd);
        errno = error;
    }
    return stream;
}

DEVMEM_EXPORT int devmem_compat_smbios(devmem_smbios* out) {
    if (!out)
        return fail(EFAULT);
    *out = devmem_smbios{};
    devmem_source source;
    devmem_layout layout;
    int error =
        load_layout(&source, &layout) == DEVMEM_OK ? copy_smbios(source, layout, out) : EPERM;
    devmem_source_release(&source);
    return error ? fail(error) : 0;
}

DEVMEM_EXPORT void devmem_compat_smbios_free(devmem_smbios* smbios) {
    if (!smbios)
        return;
    free(smbios->table);
    smbios->table = nullptr;
    smbios->table_size = 0;
}
