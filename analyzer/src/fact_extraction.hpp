#pragma once

#include "dataflow.hpp"
#include "facts.hpp"

namespace devmem::scan::detail {

// Walks every function once the data flow is solved and records what the rules look for.
ProgramFacts extract_facts(const DataFlow& flow);

} // namespace devmem::scan::detail
