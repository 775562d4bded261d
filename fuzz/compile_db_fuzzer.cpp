// A compile_commands.json: the loader either returns jobs or throws CompilationError; any other
// exception escaping it is a finding.
#include "fuzz_support.hpp"

#include "devmem/scan/compilation.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    devmem::fuzz::TempDir dir;
    dir.write("compile_commands.json", {reinterpret_cast<const char*>(data), size});
    try {
        devmem::scan::jobs_from_compile_database(dir.path());
    } catch (const devmem::scan::CompilationError&) {
    }
    return 0;
}
