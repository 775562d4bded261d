#include "check.hpp"

#include <fmt/format.h>

namespace devmem::scan::detail {

namespace {

// mmap of a memory-device descriptor: a window onto physical memory.
class PhysicalMapCheck : public Check {
public:
    const RuleInfo& rule() const override { return *find_rule("DM002"); }

    void run(const ProgramFacts& facts, std::vector<Finding>& findings) const override {
        for (const auto& access : facts.physical_accesses) {
            if (access.kind == PhysicalAccessFact::Kind::map) {
                findings.push_back(physical_access_finding(*this, access, "maps"));
            }
        }
    }
};

} // namespace

std::unique_ptr<Check> make_physical_map_check() {
    return std::make_unique<PhysicalMapCheck>();
}

} // namespace devmem::scan::detail
