#pragma once

// devmem-scan does not link libclang: loading it (libLLVM's half a million relocations) costs more
// than scanning a tree with nothing to parse. libclang_loader.cpp defines every libclang function
// the analyzer calls; the first call loads the library, so a run that parses nothing never does.

#include <filesystem>
#include <string>

namespace devmem::scan::detail {

// The library the first call loads: $DEVMEM_SCAN_LIBCLANG, else the one devmem-scan was built
// against.
std::filesystem::path libclang_library();

// Changes whenever the library file does (path, size, modification time), without loading it:
// for cache keys that must not cost a run the load.
std::string libclang_identity();

} // namespace devmem::scan::detail
