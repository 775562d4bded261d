#pragma once

// Small programs written to a temporary directory and analysed as one, for the end-to-end tests
// of the engine.

#include "devmem/scan/analyzer.hpp"

#include "temporary_directory.hpp"

#include <string>
#include <utility>
#include <vector>

struct Analysed {
    TemporaryDirectory directory;
    devmem::scan::Report report;

    // "DM002@12 bios-area" for each finding, in report order.
    std::vector<std::string> summary() const;
};

// Analyses the files as one program, each compiled as its extension says.
void analyse(Analysed& analysed, const std::vector<std::pair<std::string, std::string>>& files,
             const devmem::scan::AnalyzerOptions& options = {});

// The includes most test programs start with.
inline const char* headers = "#include <fcntl.h>\n#include <sys/mman.h>\n#include <unistd.h>\n";
