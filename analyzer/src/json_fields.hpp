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

// Source text is not always UTF-8 (Latin-1 comments and paths in old C); JSON must be, so bytes
// that are not valid UTF-8 become U+FFFD instead of failing the whole report.
inline std::string dump_json(const nlohmann::json& document) {
    return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace devmem::scan::detail
