// A rewrite-rules/*.yaml file: the loader either returns a rule or throws RuleFileError naming
// the place; any other exception escaping it is a finding.
#include "fuzz_support.hpp"

#include "devmem/scan/rewrite_rules.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    devmem::fuzz::TempDir dir;
    auto file = dir.write("rule.yaml", {reinterpret_cast<const char*>(data), size});
    try {
        devmem::scan::load_rewrite_rule(file);
    } catch (const devmem::scan::RuleFileError&) {
    }
    return 0;
}
