#pragma once

// --cache-dir, the whole run: the report of an analysis, kept with everything it was made from,
// so that re-scanning an unchanged tree reads no source and starts no parser. An entry is keyed
// by the analyzer and libclang versions, the working directory, the options that change the
// analysis, the rewrite rules' files and every job (file, directory, arguments); it records the
// digest of every file the analysis read (each job's file, the project headers the prefilter
// followed, every file a parsed unit included, the rule files) and of every include directory's
// listing, and is used only while all of them still match (FileDigests: a stat when nothing
// changed). A tree where something changed is analysed again, parsed units coming from the
// per-unit cache (unit_cache.hpp).
//
// The cache directory is kept under a size cap: after each run the least recently used files
// (a hit refreshes an entry's time) are removed until the rest fits.

#include "devmem/scan/analyzer.hpp"
#include "file_digests.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace devmem::scan::detail {

// What an analysis read, beyond the jobs themselves.
struct AnalysisInputs {
    std::set<std::string> files;
    // A unit hit a parser limit or killed its parser: the outcome may differ on a re-run, so the
    // report is not kept.
    bool transient = false;
};

class RunCache {
public:
    // Creates the directory; throws ConfigError when it cannot.
    RunCache(const std::vector<CompileJob>& jobs, const AnalyzerOptions& options,
             const std::vector<RewriteRule>& rewrite_rules);

    // The kept report when every input it was made from is unchanged.
    std::optional<Report> lookup();
    // Keeps the report; failing to write is not an error.
    void store(const Report& report, const AnalysisInputs& inputs);

private:
    std::filesystem::path directory_;
    std::filesystem::path entry_;
    std::string key_;
    std::set<std::string> rule_files_;
    // Where the jobs' headers are looked for: a header added there can change the analysis.
    std::set<std::string> include_directories_;
    FileDigests digests_;
};

// Creates the cache directory; throws ConfigError naming it when it cannot.
std::filesystem::path make_cache_directory(const std::filesystem::path& directory);

// Removes the least recently used files of the cache directory until it holds at most
// `max_bytes`; zero keeps everything.
void trim_cache_directory(const std::filesystem::path& directory, std::uint64_t max_bytes);

// Marks a cache file as used now, so that trimming removes it last.
void touch_cache_file(const std::filesystem::path& file);

} // namespace devmem::scan::detail
