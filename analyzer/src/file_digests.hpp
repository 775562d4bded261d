#pragma once

// Content digests of the files and directories a cached result depends on, checked the way
// ccache's direct mode and ninja do: a file whose size, modification and change times and inode
// are those recorded with its digest is not read again; any other file is hashed. The records
// live in the cache directory between runs. A file changed within a second of being recorded
// could change again within the same timestamp, so its record is not trusted (it is hashed
// every time until it has been still for that long).

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace devmem::scan::detail {

class FileDigests {
public:
    // Loads the records kept in `cache_directory`; none when they are missing or damaged.
    explicit FileDigests(const std::filesystem::path& cache_directory);

    // The digest of a file's bytes, or of a directory's sorted entry names (a header added to an
    // include directory changes it); nullopt when it cannot be read.
    std::optional<std::string> digest(const std::string& path);

    // Writes the records back when they changed; failing to is not an error (the next run
    // hashes again).
    void save();

private:
    struct Record {
        std::uint64_t size = 0;
        std::int64_t modified_ns = 0;
        std::int64_t changed_ns = 0;
        std::uint64_t inode = 0;
        std::string digest;
    };

    std::filesystem::path file_;
    std::mutex mutex_;
    std::map<std::string, Record> records_;
    // Digests computed in this run, trusted without a stat for the rest of it.
    std::map<std::string, std::optional<std::string>> this_run_;
    bool changed_ = false;
};

} // namespace devmem::scan::detail
