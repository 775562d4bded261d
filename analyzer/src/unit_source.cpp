#include "unit_source.hpp"

#include "program.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace devmem::scan::detail {

namespace fs = std::filesystem;

bool limits_set(const AnalyzerOptions& options) {
    return options.tu_timeout_seconds != 0 || options.tu_memory_limit_mib != 0;
}

namespace {

fs::path make_scratch_directory() {
    auto pattern = (fs::temp_directory_path() / "devmem-scan-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw ToolchainError(fmt::format("cannot create a temporary directory in {}: {}",
                                         fs::temp_directory_path().string(), std::strerror(errno)));
    }
    return pattern;
}

// The unit of a worker's outcome without an AST.
ParsedUnit unparsed(const ParseWorker::Outcome& outcome, const CompileJob& job) {
    auto parsed = unit_of(nullptr, outcome.record, job);
    parsed.transient = outcome.transient;
    return parsed;
}

} // namespace

UnitSource::UnitSource(const AnalyzerOptions& options, std::size_t slots, const ParsePlan& plan)
    : options_(options), plan_(plan) {
    if (!options.cache_directory.empty()) {
        cache_.emplace(options.cache_directory);
    }
    if (limits_set(options) && plan.watch == nullptr) {
        const auto executable = options.worker_executable.empty() ? find_worker_executable()
                                                                  : options.worker_executable;
        const WorkerLimits limits{std::chrono::seconds(options.tu_timeout_seconds),
                                  options.tu_memory_limit_mib};
        for (std::size_t i = 0; i < slots; ++i) {
            workers_.push_back(std::make_unique<ParseWorker>(executable, limits));
        }
        if (!cache_) {
            scratch_directory_ = make_scratch_directory();
        }
    }
}

UnitSource::~UnitSource() {
    if (!scratch_directory_.empty()) {
        std::error_code ignored;
        fs::remove_all(scratch_directory_, ignored);
    }
}

fs::path UnitSource::scratch_path() {
    if (cache_) {
        return cache_->scratch_path();
    }
    return scratch_directory_ / fmt::format("{}.ast", next_scratch_++);
}

// A cached unit was parsed without stand-ins, as it is when none of those in `start` is included.
ParsedUnit UnitSource::obtain(std::size_t slot, CXIndex index, const CompileJob& job,
                              const StandInStart& start, const LearnedCallback& on_learned) {
    if (plan_.over_time.contains(job.file.string())) {
        return unparsed(over_time_limit(std::chrono::seconds(options_.tu_timeout_seconds)), job);
    }
    std::optional<std::string> key;
    if (cache_) {
        key = cache_->key(job, parser_arguments(job, options_));
        if (key) {
            if (auto hit = cache_->lookup(*key)) {
                if (auto* unit = load_unit(index, hit->ast)) {
                    return unit_of(unit, hit->record, job);
                }
            }
        }
    }
    return workers_.empty() ? parse_here(slot, index, job, start, key, on_learned)
                            : parse_in_worker(slot, index, job, start, key, on_learned);
}

ParsedUnit UnitSource::parse_in_worker(std::size_t slot, CXIndex index, const CompileJob& job,
                                       const StandInStart& start,
                                       const std::optional<std::string>& key,
                                       const LearnedCallback& on_learned) {
    const auto ast = scratch_path();
    auto outcome = workers_[slot]->parse(job, options_, start, ast);
    auto& [record, unsaved, transient, learned] = outcome;
    std::error_code ignored;
    if (!record.parsed) {
        fs::remove(ast, ignored);
        return unparsed(outcome, job);
    }
    auto* unit = unsaved ? nullptr : load_unit(index, ast);
    if (unit == nullptr) {
        // It parsed within the limits there, so parsing it here is safe.
        fs::remove(ast, ignored);
        return parse_here(slot, index, job, start, key, on_learned);
    }
    if (key && !record.stand_ins) {
        cache_->store(*key, ast, record);
    } else {
        fs::remove(ast, ignored);
    }
    auto parsed = unit_of(unit, record, job);
    parsed.learned = std::move(learned);
    return parsed;
}

ParsedUnit UnitSource::parse_here(std::size_t slot, CXIndex index, const CompileJob& job,
                                  const StandInStart& start, const std::optional<std::string>& key,
                                  const LearnedCallback& on_learned) {
    if (plan_.watch != nullptr) {
        plan_.watch->begin(slot, job.file);
    }
    auto parsed = parse_unit(index, job, options_, start, on_learned);
    if (plan_.watch != nullptr) {
        if (parsed.parser_failed) {
            plan_.watch->isolate();
        }
        plan_.watch->end(slot);
    }
    if (key && parsed.unit != nullptr && parsed.stand_ins == nullptr) {
        const auto ast = cache_->scratch_path();
        if (save_unit(parsed.unit, ast)) {
            cache_->store(*key, ast, record_of(parsed, job));
        } else {
            std::error_code ignored;
            fs::remove(ast, ignored);
        }
    }
    return parsed;
}

} // namespace devmem::scan::detail
