// Models a C++ probe whose framework header is missing: the open's flags come from the
// framework's namespace, so the call does not parse even against a stand-in header and the AST
// has no call to analyse. The lexical fallback still reports the open of /dev/mem it can see
// (DM001, low confidence) and the run carries a note naming the header.
#include <fcntl.h>
#include <unistd.h>

#include <hwframework/access.hpp>

#define PHYSICAL_MEMORY "/dev/mem"

int probe_bios()
{
    const int fd = open(PHYSICAL_MEMORY, hwframework::flags::read_only); // CHECK: DM001 confidence=low
    if (fd < 0) {
        return -1;
    }
    close(fd);
    return 0;
}
