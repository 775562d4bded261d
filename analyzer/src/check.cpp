#include "check.hpp"

#include <fmt/format.h>

namespace devmem::scan::detail {

Finding Check::finding_at(const Site& site, std::string message) const {
    Finding finding;
    finding.rule = std::string(rule().id);
    finding.category = std::string(rule().category);
    finding.severity = rule().severity;
    finding.location = site.location;
    finding.function = site.function;
    finding.callee = site.callee;
    finding.message = std::move(message);
    finding.confidence = site.confidence;
    finding.replacement = std::string(replacement_for(RangeClass::unknown));
    return finding;
}

Finding physical_access_finding(const Check& check, const PhysicalAccessFact& fact,
                                std::string_view verb) {
    std::string where = "at an offset not known statically";
    if (fact.range) {
        where = fmt::format("at physical {:#x}-{:#x}", fact.range->start, fact.range->end);
    } else if (!fact.dependence.empty()) {
        where = fmt::format("at a range given by {}", fact.dependence);
    }
    auto finding = check.finding_at(fact.site, fmt::format("'{}' {} {} {}", fact.site.callee, verb,
                                                           to_string(fact.device), where));
    finding.range = fact.range;
    finding.range_class = fact.range ? classify_range(*fact.range) : RangeClass::unknown;
    finding.servability = servability_of(finding.range_class);
    finding.replacement = std::string(replacement_for(finding.range_class));
    finding.trace = fact.trace;
    return finding;
}

std::vector<std::unique_ptr<Check>> make_checks() {
    std::vector<std::unique_ptr<Check>> checks;
    checks.push_back(make_devmem_open_check());
    checks.push_back(make_physical_map_check());
    checks.push_back(make_physical_read_check());
    checks.push_back(make_port_io_check());
    checks.push_back(make_anchor_scan_check());
    checks.push_back(make_firmware_address_lookup_check());
    checks.push_back(make_inactive_branch_check());
    return checks;
}

} // namespace devmem::scan::detail
