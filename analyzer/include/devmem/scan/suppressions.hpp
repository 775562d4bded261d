#pragma once

#include "devmem/scan/report.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace devmem::scan {

// Removes the findings that an inline comment on their line or the line before silences:
//     // devmem-scan: ignore[DM001,DM002] reason      /* devmem-scan: ignore[*] reason */
// Every such comment in `scanned_files` (and the files holding findings) that silences nothing
// becomes an unused_suppression note.
void apply_inline_suppressions(Report& report, const std::vector<std::string>& scanned_files);

// One line of an overrides file: `RULE path-glob[:LINE|:FUNCTION] # justification`.
struct OverrideEntry {
    std::string rule;      // a rule id or '*'
    std::string path_glob; // relative to the report's root; '*' also crosses '/'
    std::string where;     // a line number, a function name, or empty for the whole file
    std::string justification;
    SourceLocation origin; // where in the overrides file
};

// Default location of the overrides file, relative to the scan root (as lintian's overrides).
inline constexpr const char* default_overrides_path = "debian/devmem-scan.overrides";

// Throws ConfigError naming file:line for an entry without a justification or a malformed one.
std::vector<OverrideEntry> load_overrides(const std::filesystem::path& file);

// Removes the findings an entry matches; entries that match nothing become unused_suppression
// notes at their line in the overrides file.
void apply_overrides(Report& report, const std::vector<OverrideEntry>& overrides);

} // namespace devmem::scan
