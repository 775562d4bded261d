// Models a C++ sensors-detect-like Super I/O probe: enters the chip's config mode on 0x2E/0x2F
// and reads its ID. Checks: DM004 at iopl and at every outb/inb call site.
#include <cstdint>
#include <cstdio>
#include <sys/io.h>

namespace {

constexpr unsigned short kIndex = 0x2E;
constexpr unsigned short kData = 0x2F;

std::uint8_t sio_read(std::uint8_t reg)
{
    outb(reg, kIndex); // CHECK: DM004
    return inb(kData); // CHECK: DM004
}

void sio_enter()
{
    outb(0x87, kIndex); // CHECK: DM004
    outb(0x87, kIndex); // CHECK: DM004
}

void sio_exit()
{
    outb(0xAA, kIndex); // CHECK: DM004
}

} // namespace

int main()
{
    if (iopl(3) != 0) { // CHECK: DM004
        std::perror("iopl");
        return 1;
    }
    sio_enter();
    const unsigned id = (static_cast<unsigned>(sio_read(0x20)) << 8) | sio_read(0x21);
    sio_exit();
    std::printf("Super I/O chip ID: 0x%04x\n", id);
    return 0;
}
