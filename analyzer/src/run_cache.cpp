#include "run_cache.hpp"

#include "cache_entry.hpp"
#include "content_hash.hpp"
#include "devmem/scan/lint_config.hpp"
#include "libclang_loader.hpp"
#include "parsed_unit.hpp"
#include "report_codec.hpp"

#include <devmem/version.hpp>

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace devmem::scan::detail {

namespace fs = std::filesystem;

namespace {

// Raised whenever the layout of an entry changes, so that old entries are misses.
constexpr int entry_format = 2;

std::string run_key(const std::vector<CompileJob>& jobs, const AnalyzerOptions& options,
                    const std::set<std::string>& rule_files) {
    nlohmann::json job_list = nlohmann::json::array();
    for (const auto& job : jobs) {
        job_list.push_back(
            {job.file.string(), job.directory.string(), job.arguments, job.inferred});
    }
    std::error_code error;
    const nlohmann::json identity = {entry_format,
                                     DEVMEM_VERSION,
                                     libclang_identity(),
                                     fs::current_path(error).string(),
                                     options.extra_arguments,
                                     options.resource_dir,
                                     options.tu_timeout_seconds,
                                     options.tu_memory_limit_mib,
                                     rule_files,
                                     std::move(job_list)};
    const auto bytes = encode(identity);
    return content_hash(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string absolute_directory(const CompileJob& job, const fs::path& path) {
    return fs::absolute(job.directory / path).lexically_normal().string();
}

// The directories a job's arguments have its headers looked up in.
void add_argument_directories(const CompileJob& job, std::set<std::string>& directories) {
    for (std::size_t i = 0; i < job.arguments.size(); ++i) {
        const std::string_view argument = job.arguments[i];
        for (const std::string_view option : {"-I", "-iquote", "-isystem", "-idirafter"}) {
            if (!argument.starts_with(option)) {
                continue;
            }
            std::string value(argument.substr(option.size()));
            if (value.empty() && i + 1 < job.arguments.size()) {
                value = job.arguments[++i];
            }
            directories.insert(absolute_directory(job, value));
            break;
        }
    }
}

} // namespace

RunCache::RunCache(const std::vector<CompileJob>& jobs, const AnalyzerOptions& options,
                   const std::vector<RewriteRule>& rewrite_rules)
    : directory_(make_cache_directory(options.cache_directory)), digests_(directory_) {
    for (const auto& rule : rewrite_rules) {
        rule_files_.insert(fs::absolute(rule.file).lexically_normal().string());
    }
    key_ = run_key(jobs, options, rule_files_);
    // The directories headers are looked up in: each job's own, those of its arguments and the
    // default system ones. Jobs in a row mostly have the same arguments (all of a directory's
    // files in directory mode): those are read once (the X server's 804 units each name 67).
    include_directories_ = {"/usr/include", "/usr/local/include"};
    const CompileJob* previous = nullptr;
    for (const auto& job : jobs) {
        include_directories_.insert(absolute_directory(job, job.file.parent_path()));
        if (previous == nullptr || previous->arguments != job.arguments ||
            previous->directory != job.directory) {
            add_argument_directories(job, include_directories_);
        }
        previous = &job;
    }
    entry_ = directory_ / (key_ + ".run");
}

std::optional<Report> RunCache::lookup() {
    const auto entry = read_cache_entry(entry_);
    if (!entry || !entry->is_object()) {
        return std::nullopt;
    }
    try {
        if (entry->at("key") != key_) {
            return std::nullopt;
        }
        for (const auto& [path, digest] : entry->at("inputs").items()) {
            if (digests_.digest(path).value_or("") != digest.get<std::string>()) {
                return std::nullopt;
            }
        }
        auto report = report_from(entry->at("report"));
        touch_cache_file(entry_);
        digests_.save();
        return report;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

void RunCache::store(const Report& report, const AnalysisInputs& inputs) {
    if (inputs.transient) {
        return;
    }
    // What cannot be read is recorded as such: it must still be missing for the entry to hold.
    nlohmann::json digests = nlohmann::json::object();
    const std::array<const std::set<std::string>*, 3> all_inputs{&inputs.files, &rule_files_,
                                                                 &include_directories_};
    for (const auto* paths : all_inputs) {
        for (const auto& path : *paths) {
            digests[path] = digests_.digest(path).value_or("");
        }
    }
    digests_.save();
    write_cache_entry(
        entry_, {{"key", key_}, {"inputs", std::move(digests)}, {"report", report_json(report)}});
}

fs::path make_cache_directory(const fs::path& directory) {
    std::error_code error;
    fs::create_directories(directory, error);
    if (error || !fs::is_directory(directory)) {
        throw ConfigError(fmt::format("cannot use {} as the cache directory: {}",
                                      directory.string(),
                                      error ? error.message() : "not a directory"));
    }
    return directory;
}

void touch_cache_file(const fs::path& file) {
    std::error_code ignored;
    fs::last_write_time(file, fs::file_time_type::clock::now(), ignored);
}

void trim_cache_directory(const fs::path& directory, std::uint64_t max_bytes) {
    if (max_bytes == 0) {
        return;
    }
    struct CacheFile {
        fs::path path;
        std::uint64_t size;
        fs::file_time_type used;
    };
    std::vector<CacheFile> files;
    std::uint64_t total = 0;
    std::error_code error;
    for (fs::directory_iterator it(directory, error), end; !error && it != end;
         it.increment(error)) {
        std::error_code ignored;
        if (!it->is_regular_file(ignored)) {
            continue;
        }
        const auto size = it->file_size(ignored);
        const auto used = it->last_write_time(ignored);
        if (!ignored) {
            files.push_back({it->path(), size, used});
            total += size;
        }
    }
    if (total <= max_bytes) {
        return;
    }
    std::ranges::sort(files, {}, &CacheFile::used);
    for (const auto& file : files) {
        if (total <= max_bytes) {
            break;
        }
        std::error_code ignored;
        if (fs::remove(file.path, ignored)) {
            total -= file.size;
        }
    }
}

} // namespace devmem::scan::detail
