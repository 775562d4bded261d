#include "devmem/scan/fingerprint.hpp"

#include "source_lines.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <tuple>

namespace devmem::scan {

namespace fs = std::filesystem;

namespace {

// FNV-1a: stable across compilers and runs, unlike std::hash; collisions only merge two
// baseline entries, which is harmless at the size of a project's findings.
std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 0xcbf29ce484222325ULL) {
    for (const unsigned char byte : text) {
        hash = (hash ^ byte) * 0x100000001b3ULL;
    }
    return hash;
}

std::string range_text(const Finding& finding) {
    return finding.range ? fmt::format("{:#x}-{:#x}", finding.range->start, finding.range->end)
                         : "unknown";
}

} // namespace

std::string path_from_root(const std::string& file, const fs::path& root) {
    if (root.empty() || file.empty()) {
        return file;
    }
    std::error_code error;
    const auto absolute = fs::absolute(file, error).lexically_normal();
    const auto relative = absolute.lexically_relative(root);
    if (relative.empty() || *relative.begin() == "..") {
        return absolute.generic_string();
    }
    return relative.generic_string();
}

std::string normalize_source_line(std::string_view line) {
    std::string normalized;
    bool in_block_comment = false;
    bool pending_blank = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (in_block_comment) {
            if (line.substr(i, 2) == "*/") {
                in_block_comment = false;
                ++i;
            }
            continue;
        }
        if (line.substr(i, 2) == "//") {
            break;
        }
        if (line.substr(i, 2) == "/*") {
            in_block_comment = true;
            ++i;
            continue;
        }
        if (line[i] == ' ' || line[i] == '\t') {
            pending_blank = !normalized.empty();
            continue;
        }
        if (pending_blank) {
            normalized += ' ';
            pending_blank = false;
        }
        normalized += line[i];
    }
    return normalized;
}

std::vector<std::string> fingerprint_findings(const std::vector<Finding>& findings,
                                              const fs::path& root) {
    detail::SourceLines sources;
    // Findings come sorted by location, so the n-th identical finding in a function keeps its
    // index when lines move.
    std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>, unsigned>
        occurrences;
    std::vector<std::string> fingerprints;
    fingerprints.reserve(findings.size());
    for (const auto& finding : findings) {
        const auto path = path_from_root(finding.location.file, root);
        const auto text =
            normalize_source_line(sources.line(finding.location.file, finding.location.line));
        const auto occurrence =
            occurrences[{finding.rule, path, finding.function, text, range_text(finding)}]++;
        std::uint64_t hash = fnv1a(finding.rule);
        for (const auto& part :
             {path, finding.function, text, range_text(finding), std::to_string(occurrence)}) {
            hash = fnv1a(std::string_view("\0", 1), hash);
            hash = fnv1a(part, hash);
        }
        fingerprints.push_back(fmt::format("{:016x}", hash));
    }
    return fingerprints;
}

} // namespace devmem::scan
