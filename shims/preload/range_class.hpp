// The physical range classes of devmem-scan (docs/rules/README.md), so that a logged access
// carries the class the analyzer gives a finding of the same range. The preload links libc
// alone, so it cannot call the analyzer's classify_range; tests/shim/range_class_test.cpp holds
// the two to the same answers.
#pragma once

#include <stdint.h>

namespace devmem::shim {

// The class of the physical range [first, last], named as devmem-scan names it; "unknown" when
// last < first.
const char* range_class(uint64_t first, uint64_t last);

// The class of `length` bytes at `offset`: "unknown" for no bytes.
const char* range_class_of_extent(uint64_t offset, uint64_t length);

} // namespace devmem::shim
