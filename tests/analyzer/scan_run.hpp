#pragma once

#include <string>
#include <vector>

// devmem-scan run in-process with these arguments (argv[0] is added).
struct ScanRun {
    int status;
    std::string out;
    std::string err;
};

ScanRun scan(std::vector<std::string> arguments);
