#pragma once

#include "devmem/scan/finding.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace devmem::scan {

// The name of the fingerprint scheme, as SARIF's partialFingerprints key.
inline constexpr const char* fingerprint_scheme = "devmemScan/v1";

// A finding's identity that survives lines added or removed around it: a hash of the rule, the
// file relative to the root, the enclosing function, the flagged source line with comments and
// spacing removed, the physical range, and which occurrence of all that it is in the function.
// Returned in the order of the findings.
std::vector<std::string> fingerprint_findings(const std::vector<Finding>& findings,
                                              const std::filesystem::path& root);

// The file relative to the root, with '/' separators; its absolute path when it lies outside
// the root; unchanged when there is no root.
std::string path_from_root(const std::string& file, const std::filesystem::path& root);

// A source line without comments and with runs of blanks collapsed, so that reformatting or a
// suppression comment does not change what a finding is about.
std::string normalize_source_line(std::string_view line);

} // namespace devmem::scan
