#pragma once

#include "devmem/scan/finding.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace devmem::scan::detail {

// A finding's physical range as both JSON and SARIF write it: hex bounds (null when unknown)
// and the class.
inline nlohmann::json range_json(const Finding& finding) {
    const auto hex = [](std::uint64_t value) {
        return nlohmann::json(fmt::format("{:#x}", value));
    };
    nlohmann::json range = {{"class", to_string(finding.range_class)}};
    range["start"] = finding.range ? hex(finding.range->start) : nullptr;
    range["end"] = finding.range ? hex(finding.range->end) : nullptr;
    return range;
}

} // namespace devmem::scan::detail
