#include "check.hpp"

#include <fmt/format.h>

namespace devmem::scan::detail {

namespace {

// Reading efi/systab to learn where a firmware table lives in physical memory.
class FirmwareAddressLookupCheck : public Check {
public:
    const RuleInfo& rule() const override { return *find_rule("DM006"); }

    void run(const ProgramFacts& facts, std::vector<Finding>& findings) const override {
        for (const auto& lookup : facts.firmware_table_opens) {
            auto finding = finding_at(lookup.site,
                                      fmt::format("'{}' reads {} to find a physical table address",
                                                  lookup.site.callee, lookup.path));
            finding.replacement = "/sys/firmware/dmi/tables, /sys/firmware/acpi/tables";
            findings.push_back(std::move(finding));
        }
    }
};

} // namespace

std::unique_ptr<Check> make_firmware_address_lookup_check() {
    return std::make_unique<FirmwareAddressLookupCheck>();
}

} // namespace devmem::scan::detail
