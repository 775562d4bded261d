// Trap: the sysfs replacement for reading a video BIOS: std::ifstream on the PCI device's
// "rom" attribute, seekg+read at small offsets, plus an fstream on a cache file.
// Expected findings: none.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char **argv)
{
    const std::string dev = argc > 1 ? argv[1] : "0000:00:02.0";
    {
        std::ofstream enable("/sys/bus/pci/devices/" + dev + "/rom");
        enable << "1";
    }
    std::ifstream rom("/sys/bus/pci/devices/" + dev + "/rom", std::ios::binary);
    if (!rom)
        return 1;
    unsigned char hdr[0x1a] = {};
    rom.seekg(0);
    rom.read(reinterpret_cast<char *>(hdr), sizeof hdr);
    const unsigned pcir = hdr[0x18] | (hdr[0x19] << 8);
    char pcir_sig[4] = {};
    rom.seekg(pcir);
    rom.read(pcir_sig, 4);
    std::fstream cache("/var/cache/romcheck.bin", std::ios::out | std::ios::binary | std::ios::trunc);
    cache.write(reinterpret_cast<const char *>(hdr), sizeof hdr);
    std::printf("ROM %02x%02x, PCIR at 0x%x: %.4s\n", hdr[0], hdr[1], pcir, pcir_sig);
    return 0;
}
