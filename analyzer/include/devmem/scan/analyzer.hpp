#pragma once

#include "devmem/scan/compilation.hpp"
#include "devmem/scan/report.hpp"
#include "devmem/scan/rewrite_rules.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace devmem::scan {

struct AnalyzerOptions {
    std::vector<std::string> extra_arguments;
    std::string resource_dir; // empty: libclang's own
    // Threads that parse translation units; 0 uses every core. The report does not depend on it.
    unsigned jobs = 0;
};

// Raised when libclang itself cannot work, as opposed to a project file that does not parse.
class ToolchainError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Checks that libclang finds its builtin headers; throws ToolchainError naming the package that
// provides them otherwise.
void check_toolchain(const AnalyzerOptions& options);

// Parses the jobs as one program and reports what the rules find. A job that does not parse
// becomes a note; the rest is still analysed.
Report analyze_program(const std::vector<CompileJob>& jobs, const AnalyzerOptions& options,
                       const std::vector<RewriteRule>& rewrite_rules);

} // namespace devmem::scan
