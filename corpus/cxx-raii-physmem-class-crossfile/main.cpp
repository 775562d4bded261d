// Models a C++ firmware-info tool with an RAII class wrapping /dev/mem: the constructor is
// fed "/dev/mem" by main, and member-function call sites pass constant windows.
// Checks: DM001 inside the constructor, the wrapper's DM002, and one DM002 per constant
// call site of PhysMem::map (bios-area, vga-hole).
#include <cstdio>
#include <cstring>

#include "physmem.hpp"

int main()
{
    fwinfo::PhysMem mem("/dev/mem");
    if (!mem.ok()) {
        std::perror("PhysMem");
        return 1;
    }
    const unsigned char *bios = mem.map(0xF0000, 0x10000); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area
    if (bios != nullptr) {
        for (unsigned off = 0; off < 0x10000; off += 16)
            if (std::memcmp(bios + off, "_SM_", 4) == 0) // CHECK: DM005
                std::printf("SMBIOS at 0x%x\n", 0xF0000 + off);
        fwinfo::PhysMem::unmap(bios, 0x10000);
    }
    const unsigned char *vga = mem.map(0xA0000, 0x20000); // CHECK: DM002 range=0xa0000-0xbffff class=vga-hole
    if (vga != nullptr) {
        std::printf("first VRAM byte %02x\n", vga[0]);
        fwinfo::PhysMem::unmap(vga, 0x20000);
    }
    return 0;
}
