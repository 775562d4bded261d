#pragma once

// The developer's refactoring reports (docs/reports.md): per program a summary with a chart, per
// finding the code, the trace, why it breaks, the recipe and what the shim's logs saw.

#include "devmem/scan/report.hpp"
#include "devmem/scan/runtime_log.hpp"

#include <ostream>

namespace devmem::scan::detail {

// Passes the Markdown linter (mdl) with tests/report/mdl-style.rb.
void write_markdown(std::ostream& out, const Report& report, const RuntimeMerge& runtime);
// One self-contained file: inline CSS and SVG, no script, no external URL.
void write_html(std::ostream& out, const Report& report, const RuntimeMerge& runtime);

} // namespace devmem::scan::detail
