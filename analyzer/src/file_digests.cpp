#include "file_digests.hpp"

#include "content_hash.hpp"
#include "parsed_unit.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <vector>

namespace devmem::scan::detail {

namespace fs = std::filesystem;

namespace {

constexpr const char* records_name = "file-digests";
// Raised whenever the layout of the records changes.
constexpr int records_format = 1;
constexpr std::int64_t racy_window_ns = 1'000'000'000;

std::int64_t nanoseconds(const timespec& time) {
    return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

std::optional<std::string> directory_digest(const fs::path& directory) {
    std::vector<std::string> names;
    std::error_code error;
    for (fs::directory_iterator it(directory, error), end; !error && it != end;
         it.increment(error)) {
        names.push_back(it->path().filename().string());
    }
    if (error) {
        return std::nullopt;
    }
    std::ranges::sort(names);
    std::string listing = "directory";
    for (const auto& name : names) {
        listing += '\0' + name;
    }
    return content_hash(listing);
}

} // namespace

FileDigests::FileDigests(const fs::path& cache_directory) : file_(cache_directory / records_name) {
    const auto bytes = read_file_bytes(file_);
    if (!bytes) {
        return;
    }
    const auto document = decode(std::vector<std::uint8_t>(bytes->begin(), bytes->end()));
    try {
        if (!document || document->at("format") != records_format) {
            return;
        }
        for (const auto& [path, fields] : document->at("files").items()) {
            records_.emplace(
                path, Record{fields.at(0).get<std::uint64_t>(), fields.at(1).get<std::int64_t>(),
                             fields.at(2).get<std::int64_t>(), fields.at(3).get<std::uint64_t>(),
                             fields.at(4).get<std::string>()});
        }
    } catch (const nlohmann::json::exception&) {
        records_.clear();
    }
}

std::optional<std::string> FileDigests::digest(const std::string& path) {
    {
        const std::scoped_lock lock(mutex_);
        if (const auto known = this_run_.find(path); known != this_run_.end()) {
            return known->second;
        }
    }
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
        const std::scoped_lock lock(mutex_);
        return this_run_.emplace(path, std::nullopt).first->second;
    }
    const Record observed{static_cast<std::uint64_t>(status.st_size),
                          nanoseconds(status.st_mtim),
                          nanoseconds(status.st_ctim),
                          static_cast<std::uint64_t>(status.st_ino),
                          {}};
    {
        const std::scoped_lock lock(mutex_);
        if (const auto recorded = records_.find(path);
            recorded != records_.end() && recorded->second.size == observed.size &&
            recorded->second.modified_ns == observed.modified_ns &&
            recorded->second.changed_ns == observed.changed_ns &&
            recorded->second.inode == observed.inode) {
            return this_run_.emplace(path, recorded->second.digest).first->second;
        }
    }
    const auto digest = S_ISDIR(status.st_mode) ? directory_digest(path) : file_hash(path);
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const bool still = std::max(observed.modified_ns, observed.changed_ns) < now - racy_window_ns;
    const std::scoped_lock lock(mutex_);
    if (digest && still) {
        auto record = observed;
        record.digest = *digest;
        records_.insert_or_assign(path, std::move(record));
        changed_ = true;
    }
    return this_run_.emplace(path, digest).first->second;
}

void FileDigests::save() {
    const std::scoped_lock lock(mutex_);
    if (!changed_) {
        return;
    }
    nlohmann::json files = nlohmann::json::object();
    for (const auto& [path, record] : records_) {
        files[path] = {record.size, record.modified_ns, record.changed_ns, record.inode,
                       record.digest};
    }
    const auto bytes = encode({{"format", records_format}, {"files", std::move(files)}});
    thread_local std::mt19937_64 random{std::random_device{}()};
    const auto scratch = file_.parent_path() / ("scratch-digests-" + std::to_string(random()));
    {
        std::ofstream out(scratch, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
        if (!out.flush()) {
            std::error_code ignored;
            fs::remove(scratch, ignored);
            return;
        }
    }
    std::error_code error;
    fs::rename(scratch, file_, error);
    if (error) {
        fs::remove(scratch, error);
        return;
    }
    changed_ = false;
}

} // namespace devmem::scan::detail
