// Models a C++ GPU tool that reads the legacy video ROM header: a default-constructed
// std::ifstream opened later through a constexpr path, with seekg(off, beg).
// Checks: DM001 at .open(), DM003 at .read() with an option-rom range.
#include <cstdint>
#include <cstdio>
#include <fstream>

namespace {
constexpr const char *kDevMem = "/dev/mem";
constexpr std::streamoff kVideoRom = 0xC0000;
constexpr std::streamsize kHeaderLen = 0x200;
} // namespace

int main()
{
    std::ifstream in;
    in.open(kDevMem, std::ios::in | std::ios::binary); // CHECK: DM001
    if (!in.is_open()) {
        std::perror(kDevMem);
        return 1;
    }
    unsigned char hdr[kHeaderLen];
    in.seekg(kVideoRom, std::ios::beg);
    in.read(reinterpret_cast<char *>(hdr), kHeaderLen); // CHECK: DM003 range=0xc0000-0xc01ff class=option-rom
    if (!in || hdr[0] != 0x55 || hdr[1] != 0xAA) {
        std::fprintf(stderr, "no video ROM\n");
        return 1;
    }
    std::printf("ROM image: %u bytes\n", hdr[2] * 512u);
    return 0;
}
