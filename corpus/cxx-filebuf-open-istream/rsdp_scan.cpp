// Models a C++ ACPI probe that opens the device with std::filebuf::open and reads through an
// std::istream wrapped around that buffer.
// Checks: DM001 at filebuf::open, DM003 at the istream's .read() after seekg
// (acpi-rsdp-window), DM005 for "RSD PTR ".
#include <cstdio>
#include <cstring>
#include <fstream>
#include <istream>
#include <vector>

namespace {
constexpr std::streamoff kWindowBase = 0xE0000;
constexpr std::streamsize kWindowLen = 0x20000;
} // namespace

int main()
{
    std::filebuf fb;
    if (fb.open("/dev/mem", std::ios::in | std::ios::binary) == nullptr) { // CHECK: DM001
        std::perror("filebuf");
        return 1;
    }
    std::istream is(&fb);
    std::vector<char> win(kWindowLen);
    is.seekg(kWindowBase);
    is.read(win.data(), kWindowLen); // CHECK: DM003 range=0xe0000-0xfffff class=acpi-rsdp-window
    for (std::size_t off = 0; is && off + 20 <= win.size(); off += 16) {
        if (std::strncmp(win.data() + off, "RSD PTR ", 8) == 0) { // CHECK: DM005
            std::printf("RSDP at 0x%llx\n", static_cast<unsigned long long>(kWindowBase + off));
            return 0;
        }
    }
    return 1;
}
