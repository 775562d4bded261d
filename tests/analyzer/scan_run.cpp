#include "scan_run.hpp"

#include "devmem/scan/cli.hpp"

#include <sstream>

ScanRun scan(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "devmem-scan");
    std::vector<const char*> argv;
    argv.reserve(arguments.size());
    for (const auto& argument : arguments) {
        argv.push_back(argument.c_str());
    }
    std::ostringstream out;
    std::ostringstream err;
    const int status =
        devmem::scan::run_devmem_scan(static_cast<int>(argv.size()), argv.data(), out, err);
    return {status, out.str(), err.str()};
}
