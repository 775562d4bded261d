#pragma once

#include <filesystem>
#include <ostream>
#include <vector>

namespace devmem::scan {

// Exit statuses of devmem-scan, as documented in devmem-scan(1).
// 1: a finding at or above --fail-on; 2: usage, configuration or rule file error;
// 3: with --strict, a file failed to parse; 4: --fix refused (a file changed since it was
// analysed) or a fix could not be written.
enum ExitStatus : int {
    exit_clean = 0,
    exit_findings = 1,
    exit_usage = 2,
    exit_incomplete = 3,
    exit_fix_failed = 4
};

// Where --rules points when it is not given: the first of these that exists (the share
// directory beside the binary, the configured install directory, the source tree).
std::vector<std::filesystem::path> default_rule_directories();

// The whole of devmem-scan behind main(): parses the command line, runs, writes the report.
int run_devmem_scan(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

} // namespace devmem::scan
