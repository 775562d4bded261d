#include "run_cache.hpp"

#include "cache_entry.hpp"
#include "content_hash.hpp"
#include "devmem/scan/lint_config.hpp"
#include "libclang_loader.hpp"
#include "parsed_unit.hpp"

#include <devmem/version.hpp>

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace devmem::scan {

// The report as the cache keeps it: every field, so that a warm run writes the same bytes.
namespace {

template <typename Enum> Enum enum_at(const nlohmann::json& json) {
    return static_cast<Enum>(json.get<int>());
}

nlohmann::json location_json(const SourceLocation& location) {
    return {location.file, location.line, location.column};
}

SourceLocation location_from(const nlohmann::json& json) {
    return {json.at(0).get<std::string>(), json.at(1).get<unsigned>(), json.at(2).get<unsigned>()};
}

nlohmann::json finding_json(const Finding& finding) {
    nlohmann::json trace = nlohmann::json::array();
    for (const auto& note : finding.trace) {
        trace.push_back({location_json(note.location), note.message});
    }
    nlohmann::json edits = nlohmann::json::array();
    for (const auto& edit : finding.edits) {
        edits.push_back(
            {edit.file, edit.offset, edit.length, edit.replacement, edit.analyzed_hash});
    }
    return {finding.rule,
            finding.category,
            static_cast<int>(finding.severity),
            location_json(finding.location),
            finding.function,
            finding.callee,
            finding.message,
            finding.range ? nlohmann::json{finding.range->start, finding.range->end}
                          : nlohmann::json(),
            static_cast<int>(finding.range_class),
            static_cast<int>(finding.servability),
            finding.replacement,
            finding.rewrite_rule,
            static_cast<int>(finding.confidence),
            std::move(trace),
            std::move(edits)};
}

Finding finding_from(const nlohmann::json& json) {
    Finding finding;
    json.at(0).get_to(finding.rule);
    json.at(1).get_to(finding.category);
    finding.severity = enum_at<Severity>(json.at(2));
    finding.location = location_from(json.at(3));
    json.at(4).get_to(finding.function);
    json.at(5).get_to(finding.callee);
    json.at(6).get_to(finding.message);
    if (const auto& range = json.at(7); !range.is_null()) {
        finding.range =
            PhysicalRange{range.at(0).get<std::uint64_t>(), range.at(1).get<std::uint64_t>()};
    }
    finding.range_class = enum_at<RangeClass>(json.at(8));
    finding.servability = enum_at<Servability>(json.at(9));
    json.at(10).get_to(finding.replacement);
    json.at(11).get_to(finding.rewrite_rule);
    finding.confidence = enum_at<Confidence>(json.at(12));
    for (const auto& note : json.at(13)) {
        finding.trace.push_back({location_from(note.at(0)), note.at(1).get<std::string>()});
    }
    for (const auto& edit : json.at(14)) {
        finding.edits.push_back({edit.at(0).get<std::string>(), edit.at(1).get<unsigned>(),
                                 edit.at(2).get<unsigned>(), edit.at(3).get<std::string>(),
                                 edit.at(4).get<std::string>()});
    }
    return finding;
}

nlohmann::json report_json(const Report& report) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& finding : report.findings) {
        findings.push_back(finding_json(finding));
    }
    nlohmann::json notes = nlohmann::json::array();
    for (const auto& note : report.notes) {
        notes.push_back({location_json(note.location), note.message, static_cast<int>(note.kind)});
    }
    return {{"findings", std::move(findings)},
            {"notes", std::move(notes)},
            {"files_with_markers", report.files_with_markers
                                       ? nlohmann::json(*report.files_with_markers)
                                       : nlohmann::json()}};
}

Report report_from(const nlohmann::json& json) {
    Report report;
    for (const auto& finding : json.at("findings")) {
        report.findings.push_back(finding_from(finding));
    }
    for (const auto& note : json.at("notes")) {
        report.notes.push_back({location_from(note.at(0)), note.at(1).get<std::string>(),
                                enum_at<NoteKind>(note.at(2))});
    }
    if (const auto& marked = json.at("files_with_markers"); !marked.is_null()) {
        report.files_with_markers = marked.get<std::vector<std::string>>();
    }
    return report;
}

} // namespace

namespace detail {

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

// The directories a job's headers are looked up in: its own, those of its arguments and the
// default system ones.
void add_include_directories(const CompileJob& job, std::set<std::string>& directories) {
    const auto absolute = [&](const fs::path& path) {
        return fs::absolute(job.directory / path).lexically_normal().string();
    };
    directories.insert(absolute(job.file.parent_path()));
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
            directories.insert(absolute(value));
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
    include_directories_ = {"/usr/include", "/usr/local/include"};
    for (const auto& job : jobs) {
        add_include_directories(job, include_directories_);
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

} // namespace detail

} // namespace devmem::scan
