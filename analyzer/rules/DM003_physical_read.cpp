#include "check.hpp"

#include <fmt/format.h>

namespace devmem::scan::detail {

namespace {

// read/pread/fread of a memory-device descriptor, positioned by lseek/fseek or an offset.
class PhysicalReadCheck : public Check {
public:
    const RuleInfo& rule() const override { return *find_rule("DM003"); }

    void run(const ProgramFacts& facts, std::vector<Finding>& findings) const override {
        for (const auto& access : facts.physical_accesses) {
            if (access.kind == PhysicalAccessFact::Kind::read) {
                findings.push_back(physical_access_finding(*this, access, "reads"));
            }
        }
    }
};

} // namespace

std::unique_ptr<Check> make_physical_read_check() {
    return std::make_unique<PhysicalReadCheck>();
}

} // namespace devmem::scan::detail
