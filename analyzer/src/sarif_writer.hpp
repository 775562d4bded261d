#pragma once

#include "devmem/scan/report.hpp"

#include <ostream>

namespace devmem::scan::detail {

// SARIF 2.1.0 as GitHub code scanning and GitLab ingest it: one run, the rule pages as help,
// paths relative to SRCROOT (the report's root), line-independent partialFingerprints, trace
// notes as relatedLocations and a codeFlow, and notes as invocation notifications.
void write_sarif(std::ostream& out, const Report& report);

} // namespace devmem::scan::detail
