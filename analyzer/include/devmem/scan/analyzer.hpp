#pragma once

#include "devmem/scan/compilation.hpp"
#include "devmem/scan/report.hpp"
#include "devmem/scan/rewrite_rules.hpp"

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace devmem::scan {

struct AnalyzerOptions {
    std::vector<std::string> extra_arguments;
    std::string resource_dir; // empty: libclang's own
    // Threads that parse translation units; 0 uses every core. The report does not depend on it.
    unsigned jobs = 0;
    // Where parsed units and reports are kept between runs; empty: nowhere.
    std::filesystem::path cache_directory;
    // The size the cache directory is trimmed to after a run, least recently used files first;
    // 0: no limit.
    std::uint64_t cache_max_bytes = std::uint64_t{1} << 30U;
    // Per translation unit: wall-clock seconds and MiB of address space its parser may use
    // before it is killed and the unit reported as not analysed. Units are parsed in worker
    // processes unless both are 0.
    unsigned tu_timeout_seconds = 120;
    std::uint64_t tu_memory_limit_mib = 4096;
    // The worker program; empty: found next to this one or where it was installed.
    std::filesystem::path worker_executable;
    // Where to draw a progress line (a terminal); null: nowhere.
    std::ostream* progress = nullptr;
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
// becomes a note; the rest is still analysed. Throws ToolchainError (check_toolchain) when a unit
// is to be parsed and libclang lacks its builtin headers; a tree the prefilter finds nothing in is
// not parsed at all.
Report analyze_program(const std::vector<CompileJob>& jobs, const AnalyzerOptions& options,
                       const std::vector<RewriteRule>& rewrite_rules);

} // namespace devmem::scan
