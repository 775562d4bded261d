// Models a C++ reboot helper that inspects (and optionally sets) the BIOS warm-boot flag at
// 0x472 through a read/write std::fstream.
// Checks: DM001 at the fstream construction and DM003 at .read() (real-mode-low).
#include <cstdint>
#include <cstdio>
#include <fstream>

int main(int argc, char **argv)
{
    std::fstream mem("/dev/mem", std::ios::in | std::ios::out | std::ios::binary); // CHECK: DM001
    if (!mem)
        return 1;
    unsigned char flag[2] = {0, 0};
    mem.seekg(0x472);
    mem.read(reinterpret_cast<char *>(flag), 2); // CHECK: DM003 range=0x472-0x473 class=real-mode-low
    std::printf("warm boot flag: 0x%02x%02x\n", flag[1], flag[0]);
    if (argc > 1 && argv[1][0] == 'w') {
        const unsigned char warm[2] = {0x34, 0x12};
        mem.seekp(0x472);
        mem.write(reinterpret_cast<const char *>(warm), 2);
    }
    return 0;
}
