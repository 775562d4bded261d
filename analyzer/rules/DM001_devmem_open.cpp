#include "check.hpp"

#include <fmt/format.h>

namespace devmem::scan::detail {

namespace {

// Opening /dev/mem or /dev/kmem at all: lockdown refuses the open itself.
class DevmemOpenCheck : public Check {
public:
    const RuleInfo& rule() const override { return *find_rule("DM001"); }

    void run(const ProgramFacts& facts, std::vector<Finding>& findings) const override {
        for (const auto& open : facts.device_opens) {
            if (open.device == Device::port) {
                continue;
            }
            auto finding = finding_at(
                open.site, fmt::format("'{}' opens {}", open.site.callee, to_string(open.device)));
            finding.replacement = "/sys/firmware/dmi/tables, /sys/firmware/acpi/tables";
            finding.trace = open.trace;
            findings.push_back(std::move(finding));
        }
    }
};

} // namespace

std::unique_ptr<Check> make_devmem_open_check() {
    return std::make_unique<DevmemOpenCheck>();
}

} // namespace devmem::scan::detail
