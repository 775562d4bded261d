#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace devmem::scan::detail {

// A 128-bit digest as 32 hex digits, to recognise content seen before (cache keys, changed
// headers, damaged cache files). Not cryptographic: the cache is the user's own directory.
std::string content_hash(std::string_view bytes);

// A file's bytes; nullopt when it cannot be read.
std::optional<std::string> read_file_bytes(const std::filesystem::path& file);

// The digest of a file's bytes; nullopt when it cannot be read.
std::optional<std::string> file_hash(const std::filesystem::path& file);

} // namespace devmem::scan::detail
