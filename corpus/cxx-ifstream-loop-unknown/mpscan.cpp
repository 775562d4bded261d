// Models a C++ MP-table scanner that seeks to each paragraph in a loop and reads 16 bytes:
// the offset is a loop variable, so the read's range is not constant.
// Checks: DM001, DM003 class=unknown inside the loop, DM005 for "_MP_".
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>

int main()
{
    std::ifstream mem("/dev/mem", std::ios::binary); // CHECK: DM001
    if (!mem)
        return 1;
    char para[16];
    for (std::uint32_t addr = 0xF0000; addr < 0x100000; addr += 16) {
        mem.seekg(addr);
        if (!mem.read(para, sizeof para)) // CHECK: DM003 class=unknown
            return 1;
        if (std::memcmp(para, "_MP_", 4) == 0) { // CHECK: DM005
            std::printf("MP floating pointer at 0x%05x\n", addr);
            return 0;
        }
    }
    return 1;
}
