// Trap: a C++ test-fixture generator that builds a fake low-megabyte image containing SMBIOS,
// ACPI, MP and $PIR anchors for emulator tests. Anchors are written (std::memcpy/std::copy),
// never compared, and the image goes to a regular file. Expected findings: none.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <string_view>
#include <vector>

int main(int argc, char **argv)
{
    std::vector<unsigned char> img(0x100000, 0);
    constexpr std::string_view sm = "_SM_";
    constexpr std::string_view dmi = "_DMI_";
    std::copy(sm.begin(), sm.end(), img.begin() + 0xF0000);
    std::copy(dmi.begin(), dmi.end(), img.begin() + 0xF0010);
    std::memcpy(img.data() + 0xF0100, "RSD PTR ", 8);
    std::memcpy(img.data() + 0xF0200, "_MP_", 4);
    std::memcpy(img.data() + 0xF0300, "$PIR", 4);
    std::ofstream out(argc > 1 ? argv[1] : "lowmem.img", std::ios::binary);
    out.write(reinterpret_cast<const char *>(img.data()), static_cast<std::streamsize>(img.size()));
    return out ? 0 : 1;
}
