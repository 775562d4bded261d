#include "devmem/scan/finding.hpp"

#include <array>

namespace devmem::scan {

namespace {

constexpr std::array catalogue{
    RuleInfo{"DM001", "devmem-open", "device-open", Severity::warning},
    RuleInfo{"DM002", "physical-map", "physical-map", Severity::warning},
    RuleInfo{"DM003", "physical-read", "physical-read", Severity::warning},
    RuleInfo{"DM004", "port-io", "port-io", Severity::error},
    RuleInfo{"DM005", "anchor-scan", "anchor-scan", Severity::note},
    RuleInfo{"DM006", "firmware-address-lookup", "firmware-address-lookup", Severity::note},
    RuleInfo{"DM007", "inactive-branch", "", Severity::note},
};

} // namespace

std::string_view to_string(Severity severity) {
    switch (severity) {
    case Severity::note:
        return "note";
    case Severity::warning:
        return "warning";
    case Severity::error:
        return "error";
    }
    return "warning";
}

std::string_view to_string(Confidence confidence) {
    return confidence == Confidence::high ? "high" : "low";
}

std::span<const RuleInfo> rule_catalogue() {
    return catalogue;
}

const RuleInfo* find_rule(std::string_view id) {
    for (const auto& rule : catalogue) {
        if (rule.id == id) {
            return &rule;
        }
    }
    return nullptr;
}

} // namespace devmem::scan
