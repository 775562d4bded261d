#pragma once

#include <string>
#include <string_view>

namespace devmem::scan::detail {

// The text with every byte that is not part of a valid UTF-8 sequence replaced by U+FFFD, as
// the JSON writers replace them: source files and file names are not always UTF-8 (Latin-1
// comments, names from old archives), reports must be.
std::string to_valid_utf8(std::string_view text);

// The path as a URI reference: unreserved characters and '/' stay, every other byte is
// percent-encoded, so a name that is not UTF-8 survives without loss.
std::string percent_encode_path(std::string_view path);

} // namespace devmem::scan::detail
