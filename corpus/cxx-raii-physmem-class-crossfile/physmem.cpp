// PhysMem: the constructor opens the device named by the caller, map() maps a caller-chosen
// window, so both findings here are the wrapper's own (map: class=unknown).
#include "physmem.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace fwinfo {

PhysMem::PhysMem(const char *device) : fd_(::open(device, O_RDONLY | O_CLOEXEC)) // CHECK: DM001
{
}

PhysMem::~PhysMem()
{
    if (fd_ >= 0)
        ::close(fd_);
}

const unsigned char *PhysMem::map(off_t base, std::size_t len)
{
    void *p = ::mmap(nullptr, len, PROT_READ, MAP_SHARED, fd_, base); // CHECK: DM002 class=unknown
    return p == MAP_FAILED ? nullptr : static_cast<const unsigned char *>(p);
}

void PhysMem::unmap(const unsigned char *p, std::size_t len)
{
    if (p != nullptr)
        ::munmap(const_cast<unsigned char *>(p), len);
}

} // namespace fwinfo
