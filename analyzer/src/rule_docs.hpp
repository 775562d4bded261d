#pragma once

#include <string_view>

namespace devmem::scan::detail {

// A rule's page under docs/rules/, embedded at build time so that SARIF carries the help even
// where the source tree is not at hand.
struct RulePage {
    std::string_view id;
    std::string_view file_name; // DM002-physical-map.md
    std::string_view markdown;
};

// Nothing when the rule has no page.
const RulePage* find_rule_page(std::string_view id);

} // namespace devmem::scan::detail
