// Models a C++ daemon that keeps the device path in a std::string and opens it with
// ::open(path.c_str()), then preads the BIOS area into a std::array.
// Checks: DM001 through c_str(), DM003 at pread (bios-area).
#include <array>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace {
const std::string kMemDevice = "/dev/mem";
std::array<unsigned char, 0x10000> g_bios;
} // namespace

int main()
{
    const int fd = ::open(kMemDevice.c_str(), O_RDONLY); // CHECK: DM001
    if (fd < 0) {
        std::perror(kMemDevice.c_str());
        return 1;
    }
    const ssize_t n = ::pread(fd, g_bios.data(), 0x10000, 0xF0000); // CHECK: DM003 range=0xf0000-0xfffff class=bios-area
    ::close(fd);
    if (n != 0x10000)
        return 1;
    std::printf("last byte of BIOS: %02x\n", g_bios.back());
    return 0;
}
