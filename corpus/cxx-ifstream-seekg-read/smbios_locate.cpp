// Models a C++ hardware-inventory helper that reads the BIOS area with std::ifstream.
// Checks: DM001 at the stream construction, DM003 at .read() after seekg (bios-area), and a
// DM005 per anchor comparison.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <vector>

int main()
{
    std::ifstream mem("/dev/mem", std::ios::binary); // CHECK: DM001
    if (!mem) {
        std::cerr << "cannot open memory device\n";
        return 1;
    }
    std::vector<char> bios(0x10000);
    mem.seekg(0xF0000);
    mem.read(bios.data(), 0x10000); // CHECK: DM003 range=0xf0000-0xfffff class=bios-area
    if (!mem)
        return 1;
    for (std::size_t off = 0; off + 32 <= bios.size(); off += 16) {
        const char *p = bios.data() + off;
        if (std::memcmp(p, "_SM3_", 5) == 0) { // CHECK: DM005
            std::printf("SMBIOS3 at 0x%zx\n", 0xF0000 + off);
            return 0;
        }
        if (std::memcmp(p, "_SM_", 4) == 0) { // CHECK: DM005
            std::printf("SMBIOS at 0x%zx\n", 0xF0000 + off);
            return 0;
        }
    }
    return 1;
}
