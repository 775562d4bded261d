#include "check.hpp"

#include <fmt/format.h>

namespace devmem::scan::detail {

namespace {

// Searching memory for a firmware table anchor: the program parses tables it found itself.
class AnchorScanCheck : public Check {
public:
    const RuleInfo& rule() const override { return *find_rule("DM005"); }

    void run(const ProgramFacts& facts, std::vector<Finding>& findings) const override {
        for (const auto& comparison : facts.anchor_comparisons) {
            auto finding =
                finding_at(comparison.site,
                           fmt::format("scan for the firmware anchor \"{}\"", comparison.anchor));
            finding.replacement = comparison.anchor.starts_with("RSD") ? "/sys/firmware/acpi/tables"
                                                                       : "/sys/firmware/dmi/tables";
            findings.push_back(std::move(finding));
        }
    }
};

} // namespace

std::unique_ptr<Check> make_anchor_scan_check() {
    return std::make_unique<AnchorScanCheck>();
}

} // namespace devmem::scan::detail
