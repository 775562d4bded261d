#include "unit_cache.hpp"

#include "cache_entry.hpp"
#include "content_hash.hpp"
#include "devmem/scan/lint_config.hpp"
#include "libclang_support.hpp"
#include "run_cache.hpp"

#include <devmem/version.hpp>

#include <fmt/format.h>

namespace devmem::scan::detail {

namespace fs = std::filesystem;

namespace {

// Raised whenever the layout of an entry changes, so that old entries are misses.
constexpr int entry_format = 1;

const std::string& libclang_version() {
    static const auto version = take_string(clang_getClangVersion());
    return version;
}

} // namespace

UnitCache::UnitCache(const fs::path& directory)
    : directory_(make_cache_directory(directory)), digests_(directory_) {}

UnitCache::~UnitCache() {
    digests_.save();
}

std::optional<std::string> UnitCache::key(const CompileJob& job,
                                          const std::vector<std::string>& arguments) const {
    const auto file = fs::absolute(job.directory / job.file);
    const auto contents = file_hash(file);
    if (!contents) {
        return std::nullopt;
    }
    const nlohmann::json identity = {entry_format,
                                     DEVMEM_VERSION,
                                     libclang_version(),
                                     file.lexically_normal().string(),
                                     job.directory.string(),
                                     arguments,
                                     *contents};
    const auto bytes = encode(identity);
    return content_hash(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::optional<UnitCache::Hit> UnitCache::lookup(const std::string& key) {
    const auto entry = read_cache_entry(directory_ / (key + ".entry"));
    if (!entry || !entry->is_object()) {
        return std::nullopt;
    }
    try {
        if (entry->at("format") != entry_format || entry->at("analyzer") != DEVMEM_VERSION ||
            entry->at("libclang") != libclang_version() || entry->at("key") != key) {
            return std::nullopt;
        }
        Hit hit{directory_ / fs::path(entry->at("ast").get<std::string>()).filename(),
                entry->at("record").get<ParseRecord>()};
        const auto& digests = entry->at("digests");
        if (digests.size() != hit.record.files.size()) {
            return std::nullopt;
        }
        for (std::size_t i = 0; i < digests.size(); ++i) {
            if (digests_.digest(hit.record.files[i]) != digests[i].get<std::string>()) {
                return std::nullopt;
            }
        }
        // libclang trusts an AST file; a damaged one must never reach it.
        if (file_hash(hit.ast) != entry->at("ast_digest").get<std::string>()) {
            return std::nullopt;
        }
        touch_cache_file(directory_ / (key + ".entry"));
        touch_cache_file(hit.ast);
        return hit;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

fs::path UnitCache::scratch_path() {
    return scratch_file_in(directory_);
}

bool UnitCache::store(const std::string& key, const fs::path& scratch, const ParseRecord& record) {
    std::error_code error;
    std::vector<std::string> digests;
    std::string all_digests;
    for (const auto& file : record.files) {
        const auto digest = digests_.digest(file);
        if (!digest) {
            fs::remove(scratch, error);
            return false;
        }
        digests.push_back(*digest);
        all_digests += *digest;
    }
    const auto ast_digest = file_hash(scratch);
    if (!ast_digest) {
        fs::remove(scratch, error);
        return false;
    }
    // Named after what it was parsed from, so an entry never points at an AST of other headers.
    const auto ast_name = fmt::format("{}-{}.ast", key, content_hash(all_digests));
    fs::rename(scratch, directory_ / ast_name, error);
    if (error) {
        fs::remove(scratch, error);
        return false;
    }
    const auto entry_file = directory_ / (key + ".entry");
    const auto previous = read_cache_entry(entry_file);
    const nlohmann::json entry = {{"format", entry_format},
                                  {"analyzer", DEVMEM_VERSION},
                                  {"libclang", libclang_version()},
                                  {"key", key},
                                  {"ast", ast_name},
                                  {"ast_digest", *ast_digest},
                                  {"record", record},
                                  {"digests", digests}};
    if (!write_cache_entry(entry_file, entry)) {
        return false;
    }
    // The AST of the entry this one replaces (its headers have changed since) is dead weight.
    if (previous && previous->is_object() && previous->contains("ast") &&
        previous->at("ast").is_string() && previous->at("ast") != ast_name) {
        fs::remove(directory_ / fs::path(previous->at("ast").get<std::string>()).filename(), error);
    }
    return true;
}

} // namespace devmem::scan::detail
