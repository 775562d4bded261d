#pragma once

// Turns rewrite rules into advice and edits on the findings, while the parsed program is still
// at hand: argument predicates need the folded values, edits need the source as it was parsed.

#include "dataflow.hpp"
#include "devmem/scan/rewrite_rules.hpp"

#include <vector>

namespace devmem::scan::detail {

// Gives each finding the rule that applies to it: among the rules whose conditions hold, the
// first that can fix the call, else the most specific. Fills in the rule's advice and a trace
// note, and for a fix the edits (the call rewritten from the template, the includes added).
void apply_rewrite_rules(std::vector<Finding>& findings, const std::vector<RewriteRule>& rules,
                         const DataFlow& flow);

} // namespace devmem::scan::detail
