#pragma once

// --cache-dir: parsed translation units kept as libclang AST files, so that a re-run parses only
// what changed. An entry is keyed by the analyzer and libclang versions, the parser arguments and
// the main file's path and contents; it records every file the unit included with a digest of
// its contents and is used only while all of them still match. Entries are written to a
// temporary name and renamed into place, so concurrent runs never see half an entry; an entry
// that is damaged, truncated or from another version is a miss.

#include "devmem/scan/compilation.hpp"
#include "file_digests.hpp"
#include "parsed_unit.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace devmem::scan::detail {

class UnitCache {
public:
    // Creates the directory; throws ConfigError when it cannot.
    explicit UnitCache(const std::filesystem::path& directory);
    ~UnitCache();
    UnitCache(const UnitCache&) = delete;
    UnitCache& operator=(const UnitCache&) = delete;

    // The entry's key; nullopt when the main file cannot be read (it is then not cached).
    std::optional<std::string> key(const CompileJob& job,
                                   const std::vector<std::string>& arguments) const;

    struct Hit {
        std::filesystem::path ast;
        ParseRecord record;
    };
    // The entry for `key` when it is intact and every file it depends on is unchanged.
    std::optional<Hit> lookup(const std::string& key);

    // A fresh name in the cache directory for an AST about to be written.
    std::filesystem::path scratch_path();
    // Moves the AST written at `scratch` into the entry for `key`. Failing to write is not an
    // error (the next run parses again), so it only returns false.
    bool store(const std::string& key, const std::filesystem::path& scratch,
               const ParseRecord& record);

private:
    std::filesystem::path directory_;
    // Every unit includes the same system headers: each is checked once per run.
    FileDigests digests_;
};

} // namespace devmem::scan::detail
