// Models a C++ option-ROM extractor whose device path is a std::string member initialised
// from a getter defined in another file (options.cpp) and overridable with --mem.
// Checks: DM001 at the std::ifstream construction from that member, DM003 at .read() after
// seekg (option-rom).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <vector>

#include "options.hpp"

int main(int argc, char **argv)
{
    const romtool::Options opts = romtool::parse_options(argc, argv);
    std::ifstream mem(opts.mem_device, std::ios::binary); // CHECK: DM001
    if (!mem) {
        std::cerr << "cannot open " << opts.mem_device << '\n';
        return 1;
    }
    std::vector<char> rom(0x8000);
    mem.seekg(0xC0000);
    mem.read(rom.data(), 0x8000); // CHECK: DM003 range=0xc0000-0xc7fff class=option-rom
    if (!mem)
        return 1;
    if (opts.verbose)
        std::fprintf(stderr, "read %zu bytes\n", rom.size());
    std::cout.write(rom.data(), static_cast<std::streamsize>(rom.size()));
    return 0;
}
