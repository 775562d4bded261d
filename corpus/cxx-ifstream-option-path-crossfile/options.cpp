// Option parsing for romtool: the memory device defaults to a getter's value and can be
// replaced with --mem PATH.
#include "options.hpp"

#include <cstring>

namespace romtool {

const char *default_mem_device()
{
    return "/dev/mem";
}

Options parse_options(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--mem") == 0 && i + 1 < argc)
            o.mem_device = argv[++i];
        else if (std::strcmp(argv[i], "-v") == 0)
            o.verbose = true;
    }
    return o;
}

} // namespace romtool
