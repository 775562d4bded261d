// Reads and mappings through /dev/mem descriptors: logged, and on served descriptors a mapping
// past the image refused with EPERM as a STRICT_DEVMEM kernel refuses a range it does not allow,
// or given zero pages where it reaches past the end (the memfd would raise SIGBUS there). A process
// pays one relaxed load per read or mmap until it has been handed such a descriptor; only then does
// the shim look at the descriptor (one fstat) before the real call.
#pragma once

#include "next.hpp"
#include "paths.hpp"
#include "settings.hpp"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>

namespace devmem::shim {

// Set once this process holds a descriptor whose accesses matter: one the shim served for
// /dev/mem, or, in audit mode with a log, one the kernel gave for a device. fork keeps it; a
// process that inherits such a descriptor across exec has it unset. Used through __atomic
// builtins, as the slots of next_definition_early are.
// NOLINTNEXTLINE(bugprone-dynamic-static-initializers): constinit, initialised at compile time.
extern constinit bool device_descriptors_handed_out;

DEVMEM_BEFORE_SANITIZER_INIT inline bool accesses_watched() {
    return __atomic_load_n(&device_descriptors_handed_out, __ATOMIC_RELAXED);
}

void watch_accesses();

// Audit mode: fd is the real device the kernel gave for target. Remembers the node's identity, so
// that the reads and mappings of its descriptors are recognised however the node is numbered (a
// node bound over /dev/mem in a container or under proot is not 1:1), and watches accesses.
void watch_audited_device(Target target, int fd);

// What the shim makes of one access through a descriptor.
struct Access {
    Target target = Target::none; // none: not a descriptor the shim watches
    bool served = false;          // the image's memfd, not a real device
    uint64_t mappable = 0;        // served: how far a mapping may reach (the image, page-rounded)
    uint64_t offset = 0;          // where the access starts
    Settings settings{};
    bool logged = false;
};

// Looks at fd: a served image, an audited device (audit mode only), or neither. `offset` is the
// access's own (pread, mmap) or null for one at the descriptor's position (read, readv), which
// is then asked for only when the access is logged. Preserves errno.
Access begin_access(int fd, const int64_t* offset);

// Logs a finished read of `length` bytes. Preserves errno.
void end_read(const Access& access, const char* op, uint64_t length, ssize_t result);

// A served mapping that starts past the image's end is refused with EPERM (unmapped: the
// kernel's checks of flags, protection and alignment came first, as in the kernel); one that
// reaches past it has zero pages there. Logs, and returns the result.
void* end_map(const Access& access, const char* op, void* mapped, uint64_t length, int prot);

// A read in a watched process: real(args...) with `offset` as for begin_access.
template <typename Real, typename... Args>
ssize_t watched_read(const char* op, int fd, const int64_t* offset, uint64_t length, Real real,
                     Args... args) {
    Access access = begin_access(fd, offset);
    if (!access.logged)
        return real(args...);
    ssize_t result = real(args...);
    end_read(access, op, length, result);
    return result;
}

// A mapping of fd in a watched process: real(args...).
template <typename Real, typename... Args>
void* watched_map(const char* op, int fd, uint64_t length, int64_t offset, int prot, Real real,
                  Args... args) {
    Access access = begin_access(fd, &offset);
    if (access.target == Target::none)
        return real(args...);
    return end_map(access, op, real(args...), length, prot);
}

} // namespace devmem::shim
