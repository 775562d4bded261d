// libdevmem-compat: the shim's image and tables as a library call instead of an interposed open.
// Stateless but for one flag: every call reads the firmware anew, so there is nothing to lock,
// cache or reset after fork. No exceptions, no RTTI, no C++ runtime, as for the preload.
#include <devmem/compat.h>
#include <devmem/image.h>

#include <atomic>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

// Set once a descriptor of the image has been handed out: only then does mmap look at the
// descriptors it maps, so a program that never asks for the image pays one relaxed load.
constinit std::atomic<bool> image_handed_out{false};

int open_image(int flags) {
    int memfd = image_memfd();
    int fd = memfd < 0 ? -1 : reopen(memfd, flags);
    if (fd >= 0)
        image_handed_out.store(true, std::memory_order_relaxed);
    return fd < 0 ? fail(EPERM) : fd;
}

// How far a mapping of fd may reach when it is a descriptor of an image (every open makes its
// own memfd, so it is known by its name), or 0 when it is not one. Preserves errno.
uint64_t image_mappable(int fd) {
    int saved_errno = errno;
    struct stat st;
    uint64_t mappable = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 0) {
        constexpr char image_link[] = "/memfd:" DEVMEM_IMAGE_MEMFD_NAME " (deleted)";
        char path[32];
        char link[sizeof image_link];
        (void)snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(path, link, sizeof link);
        uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
        if (n == ssize_t(sizeof image_link - 1) && memcmp(link, image_link, size_t(n)) == 0)
            mappable = (uint64_t(st.st_size) + page - 1) / page * page;
    }
    errno = saved_errno;
    return mappable;
}

// A mapping of the image that starts past its end fails with EPERM, as a STRICT_DEVMEM kernel
// refuses a range it does not allow; one that reaches past the end gets zero pages there, as
// everything /sys/firmware does not provide reads, where the memfd would raise SIGBUS. The real
// call comes first, so the kernel's own checks (alignment, flags, protection) do too.
template <typename Real>
void* mapped_within_image(void* address, size_t length, int prot, int flags, int fd, int64_t offset,
                          Real real) {
    void* mapped = real(address, length, prot, flags, fd, offset);
    if (mapped == MAP_FAILED || !image_handed_out.load(std::memory_order_relaxed) || fd < 0 ||
        (flags & MAP_ANONYMOUS))
        return mapped;
    uint64_t mappable = image_mappable(fd);
    uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
    uint64_t reach = (uint64_t(length) + page - 1) / page * page;
    if (mappable == 0 || (uint64_t(offset) < mappable && reach <= mappable - uint64_t(offset)))
        return mapped;
    if (uint64_t(offset) < mappable) {
        uint64_t inside = mappable - uint64_t(offset);
        void* tail = static_cast<char*>(mapped) + inside;
        if (real(tail, reach - inside, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
            MAP_FAILED)
            return mapped;
    }
    munmap(mapped, length);
    errno = EPERM;
    return MAP_FAILED;
}

// libc's definition, found once: this library's mmap comes before libc's in the lookup order.
template <typename Function>
Function next_definition(std::atomic<Function>& slot, const char* name) {
    Function function = slot.load(std::memory_order_acquire);
    if (!function) {
        function = reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
        slot.store(function, std::memory_order_release);
    }
    return function;
}

constinit std::atomic<decltype(&mmap)> next_mmap{nullptr};
constinit std::atomic<decltype(&mmap64)> next_mmap64{nullptr};

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

// A program linked against this library maps through these (see mapped_within_image).
DEVMEM_EXPORT void* mmap(void* address, size_t length, int prot, int flags, int fd, off_t offset) {
    return mapped_within_image(address, length, prot, flags, fd, offset,
                               next_definition(next_mmap, "mmap"));
}

DEVMEM_EXPORT void* mmap64(void* address, size_t length, int prot, int flags, int fd,
                           off64_t offset) {
    return mapped_within_image(address, length, prot, flags, fd, offset,
                               next_definition(next_mmap64, "mmap64"));
}
