#pragma once
#include <cstddef>
#include <sys/types.h>

namespace fwinfo {

// Owns a descriptor on a physical-memory device and maps windows of it.
class PhysMem {
public:
    explicit PhysMem(const char *device);
    ~PhysMem();
    PhysMem(const PhysMem &) = delete;
    PhysMem &operator=(const PhysMem &) = delete;

    bool ok() const { return fd_ >= 0; }
    const unsigned char *map(off_t base, std::size_t len);
    static void unmap(const unsigned char *p, std::size_t len);

private:
    int fd_;
};

} // namespace fwinfo
