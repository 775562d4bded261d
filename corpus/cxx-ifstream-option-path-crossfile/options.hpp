#pragma once
#include <string>

namespace romtool {

const char *default_mem_device();

struct Options {
    std::string mem_device = default_mem_device();
    bool verbose = false;
};

Options parse_options(int argc, char **argv);

} // namespace romtool
