#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>

namespace devmem::scan::detail {

// A cache entry file is the content_hash of its CBOR document followed by the document, so that
// damage is noticed before the decoder sees it. nullopt when unreadable, damaged or not CBOR.
std::optional<nlohmann::json> read_cache_entry(const std::filesystem::path& file);

// Writes the entry to a scratch file beside it and renames that, so a reader sees the old entry
// or the new one; false (and nothing left behind) when it cannot.
bool write_cache_entry(const std::filesystem::path& file, const nlohmann::json& entry);

// Writes bytes the same way.
bool write_atomically(const std::filesystem::path& file, std::string_view bytes);

// A fresh name for a scratch file in a cache directory (each thread draws its own).
std::filesystem::path scratch_file_in(const std::filesystem::path& directory);

} // namespace devmem::scan::detail
