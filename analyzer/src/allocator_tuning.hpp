#pragma once

namespace devmem::scan::detail {

// Called first thing in main(), before any thread exists: glibc gives each new thread's arena
// its first heap with the settings of that moment, and later growth never revisits them.
void tune_allocator_for_parsing();

} // namespace devmem::scan::detail
