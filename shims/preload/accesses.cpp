#include "accesses.hpp"

#include "log.hpp"
#include "next.hpp"
#include "range_class.hpp"
#include "serve.hpp"

#include <atomic>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace devmem::shim {

constinit bool device_descriptors_handed_out = false;

void watch_accesses() {
    __atomic_store_n(&device_descriptors_handed_out, true, __ATOMIC_RELAXED);
}

namespace {

// The node an audited open of a device gave, one per target; ino 0 until there is one. The ino
// is published last, so a reader that sees it sees its dev too.
struct NodeIdentity {
    std::atomic<dev_t> dev{0};
    std::atomic<ino_t> ino{0};
};

constinit NodeIdentity audited_nodes[3];

NodeIdentity& audited_node(Target target) {
    return audited_nodes[int(target) - int(Target::mem)];
}

Target audited_device_of(dev_t dev, ino_t ino) {
    for (Target target : {Target::mem, Target::kmem, Target::port}) {
        const NodeIdentity& node = audited_node(target);
        if (ino != 0 && node.ino.load(std::memory_order_acquire) == ino &&
            node.dev.load(std::memory_order_relaxed) == dev)
            return target;
    }
    return Target::none;
}

Target device_of(dev_t rdev) {
    for (Target target : {Target::mem, Target::kmem, Target::port})
        if (rdev == device_number(target))
            return target;
    return Target::none;
}

const char* device_path(Target target) {
    return target == Target::port ? "/dev/port" : target == Target::kmem ? "/dev/kmem" : "/dev/mem";
}

uint64_t page_rounded(uint64_t size) {
    uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
    return (size + page - 1) / page * page;
}

// The pages of a mapping that reach past the image's end, which the memfd would answer with
// SIGBUS, become zero pages, as everything else /sys/firmware does not provide reads. False
// when that fails.
bool zeros_past_image(const Access& access, void* mapped, uint64_t length, int prot) {
    uint64_t inside = access.mappable - access.offset;
    uint64_t reach = page_rounded(length);
    if (reach <= inside)
        return true;
    void* tail = static_cast<char*>(mapped) + inside;
    return DEVMEM_NEXT(mmap)(tail, reach - inside, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                             -1, 0) != MAP_FAILED;
}

void log_access(const Access& access, const char* op, uint64_t length, const char* result,
                const char* detail) {
    const char* range =
        access.target == Target::mem ? range_class_of_extent(access.offset, length) : nullptr;
    log_event(access.settings, {op, device_path(access.target), access.target, result,
                                access.offset, length, detail, range});
}

void log_outcome(const Access& access, const char* op, uint64_t length, bool succeeded) {
    if (!access.logged)
        return;
    if (succeeded)
        log_access(access, op, length, access.served ? "served" : "passthrough", nullptr);
    else
        log_access(access, op, length, "failed", strerror(errno));
}

} // namespace

void watch_audited_device(Target target, int fd) {
    int saved_errno = errno;
    struct stat st;
    if (DEVMEM_NEXT(fstat)(fd, &st) == 0) {
        NodeIdentity& node = audited_node(target);
        node.dev.store(st.st_dev, std::memory_order_relaxed);
        node.ino.store(st.st_ino, std::memory_order_release);
    }
    errno = saved_errno;
    watch_accesses();
}

Access begin_access(int fd, const int64_t* offset) {
    int saved_errno = errno;
    Access access;
    struct stat st;
    if (DEVMEM_NEXT(fstat)(fd, &st) != 0) {
        errno = saved_errno;
        return access;
    }
    if (S_ISREG(st.st_mode) && is_image_descriptor(fd, st.st_dev, st.st_ino, st.st_nlink)) {
        access.target = Target::mem;
        access.served = true;
        access.mappable = page_rounded(uint64_t(st.st_size));
    } else if (S_ISCHR(st.st_mode)) {
        access.target = device_of(st.st_rdev);
    }
    if (access.target == Target::none)
        access.target = audited_device_of(st.st_dev, st.st_ino);
    if (access.target != Target::none) {
        access.settings = current_settings();
        if (!access.served && access.settings.mode != Mode::audit)
            access.target = Target::none;
        access.logged = access.target != Target::none && access.settings.log;
    }
    if (access.logged)
        access.offset = offset ? uint64_t(*offset) : uint64_t(lseek(fd, 0, SEEK_CUR));
    else if (offset)
        access.offset = uint64_t(*offset);
    errno = saved_errno;
    return access;
}

void end_read(const Access& access, const char* op, uint64_t length, ssize_t result) {
    log_outcome(access, op, length, result >= 0);
}

void* end_map(const Access& access, const char* op, void* mapped, uint64_t length, int prot) {
    if (mapped != MAP_FAILED && access.served &&
        (access.offset >= access.mappable || !zeros_past_image(access, mapped, length, prot))) {
        munmap(mapped, length);
        if (access.logged)
            log_access(access, op, length, "denied", "beyond the image");
        errno = EPERM;
        return MAP_FAILED;
    }
    log_outcome(access, op, length, mapped != MAP_FAILED);
    return mapped;
}

} // namespace devmem::shim
