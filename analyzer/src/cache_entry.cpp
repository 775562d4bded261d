#include "cache_entry.hpp"

#include "content_hash.hpp"
#include "parsed_unit.hpp"

#include <fmt/format.h>

#include <fstream>
#include <random>

namespace devmem::scan::detail {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t digest_length = 32;

} // namespace

std::optional<nlohmann::json> read_cache_entry(const fs::path& file) {
    const auto bytes = read_file_bytes(file);
    if (!bytes || bytes->size() < digest_length) {
        return std::nullopt;
    }
    const std::string_view body = std::string_view(*bytes).substr(digest_length);
    if (bytes->compare(0, digest_length, content_hash(body)) != 0) {
        return std::nullopt;
    }
    return decode(std::vector<std::uint8_t>(body.begin(), body.end()));
}

bool write_atomically(const fs::path& file, std::string_view bytes) {
    const auto scratch = scratch_file_in(file.parent_path());
    {
        std::ofstream out(scratch, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out.flush()) {
            std::error_code ignored;
            fs::remove(scratch, ignored);
            return false;
        }
    }
    std::error_code error;
    fs::rename(scratch, file, error);
    if (error) {
        fs::remove(scratch, error);
        return false;
    }
    return true;
}

bool write_cache_entry(const fs::path& file, const nlohmann::json& entry) {
    const auto body = encode(entry);
    const std::string_view body_text(reinterpret_cast<const char*>(body.data()), body.size());
    return write_atomically(file, content_hash(body_text) + std::string(body_text));
}

fs::path scratch_file_in(const fs::path& directory) {
    thread_local std::mt19937_64 random{std::random_device{}()};
    return directory / fmt::format("scratch-{:016x}", random());
}

} // namespace devmem::scan::detail
