// Models a C++ ACPI probe that opens the device with std::filebuf::open and reads through an
// std::istream wrapped around that buffer.
// Checks: DM001 at filebuf::open, DM003 at the istream's .read() after seekg
// (acpi-rsdp-window), DM005 for "RSD PTR ".
#include <cstdio>
#include <cstring>
#include <fstream>
#include <istream>
#include <vector>

int main()
{
    std::filebuf fb;
    if (fb.open("/dev/mem", std::ios::in | std::ios::binary) == nullptr) { // CHECK: DM001
        std::perror("filebuf");
        return 1;
    }
    std::istream is(&fb);
    std::vector<char> win(0x20000);
    is.seekg(0xE0000);
    is.read(win.data(), static_cast<std::streamsize>(win.size())); // CHECK: DM003 range=0xe0000-0xfffff class=acpi-rsdp-window
    for (std::size_t off = 0; is && off + 20 <= win.size(); off += 16) {
        if (std::strncmp(win.data() + off, "RSD PTR ", 8) == 0) { // CHECK: DM005
            std::printf("RSDP at 0x%zx\n", 0xE0000 + off);
            return 0;
        }
    }
    return 1;
}
