#pragma once

#include "dataflow.hpp"
#include "facts.hpp"

namespace devmem::scan::detail {

// Walks every function once the data flow is solved and records what the rules look for.
ProgramFacts extract_facts(const DataFlow& flow);

// Device opens in code the preprocessor left out (#ifdef __i386__ on x86-64, other OSes):
// found lexically, so of low confidence.
void find_inactive_branches(const Program& program, ProgramFacts& facts);

} // namespace devmem::scan::detail
