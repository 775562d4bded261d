#pragma once

#include "devmem/scan/report.hpp"

#include <filesystem>

namespace devmem::scan {

// A baseline records the findings a project accepts today, by fingerprint (see fingerprint.hpp),
// so that CI fails only on new ones. JSON: {"version": 1, "findings": [{"fingerprint", "rule",
// "file", "function", "message"}]}; only the fingerprint is compared, the rest is for people.
void write_baseline(const std::filesystem::path& file, const Report& report);

// Removes the findings the baseline holds; entries that match no finding any more become
// stale_baseline notes. Throws ConfigError when the file is unreadable or malformed.
void apply_baseline(Report& report, const std::filesystem::path& file);

} // namespace devmem::scan
