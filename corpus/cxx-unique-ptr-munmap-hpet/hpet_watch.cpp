// Models a modern-C++ latency tool that maps the HPET with a unique_ptr whose deleter munmaps,
// and keeps the descriptor in a small RAII struct.
// Checks: DM001 in the struct's factory, DM002 (above-1mib) through the struct member.
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <sys/mman.h>
#include <unistd.h>

namespace {

struct Fd {
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

constexpr std::size_t kHpetLen = 0x1000;

struct Unmapper {
    void operator()(volatile std::uint64_t *p) const { ::munmap(const_cast<std::uint64_t *>(p), kHpetLen); }
};

} // namespace

int main()
{
    Fd mem;
    mem.fd = ::open("/dev/mem", O_RDONLY | O_SYNC); // CHECK: DM001
    if (mem.fd < 0)
        return 1;
    void *raw = ::mmap(nullptr, kHpetLen, PROT_READ, MAP_SHARED, mem.fd, 0xFED00000); // CHECK: DM002 range=0xfed00000-0xfed00fff class=above-1mib
    if (raw == MAP_FAILED)
        return 1;
    std::unique_ptr<volatile std::uint64_t, Unmapper> regs(static_cast<volatile std::uint64_t *>(raw));
    const std::uint64_t t0 = regs.get()[0xF0 / 8];
    const std::uint64_t t1 = regs.get()[0xF0 / 8];
    std::printf("HPET ticks between reads: %llu\n", static_cast<unsigned long long>(t1 - t0));
    return 0;
}
