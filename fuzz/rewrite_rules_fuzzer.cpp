// A rewrite-rules/*.yaml file: the loader either returns a rule or throws RuleFileError naming
// the place, and a fix template it accepts expands; any other exception escaping is a finding.
#include "fuzz_support.hpp"

#include "devmem/scan/rewrite_rules.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    devmem::fuzz::TempDir dir;
    auto file = dir.write("rule.yaml", {reinterpret_cast<const char*>(data), size});
    try {
        const auto rule = devmem::scan::load_rewrite_rule(file);
        // A template the loader accepted must expand once its placeholders are bound.
        if (rule.fix) {
            std::map<std::string, std::string, std::less<>> bindings{{"callee", "open"},
                                                                     {"arguments", "p, f"}};
            for (const auto& argument : rule.arguments) {
                bindings[argument.name] = argument.name;
            }
            devmem::scan::expand_template(rule.fix->replacement_template, bindings);
        }
    } catch (const devmem::scan::RuleFileError&) {
    }
    return 0;
}
