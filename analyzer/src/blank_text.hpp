#pragma once

// Blanks as <cctype> knows them, for the hand-written scanners of suppression comments,
// overrides lines and call texts.

#include <cctype>
#include <string_view>

namespace devmem::scan::detail {

inline bool is_space(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// The text without the blanks at either end.
inline std::string_view trimmed(std::string_view text) {
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

} // namespace devmem::scan::detail
