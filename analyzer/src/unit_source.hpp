#pragma once

// Where a parsing thread gets each translation unit from: the cache when --cache-dir holds a
// valid entry, otherwise libclang in this process when no per-unit limits are set or when a
// watching process enforces them (watched_analysis.hpp, the default), otherwise a worker process.
// New parses are stored in the cache.

#include "devmem/scan/analyzer.hpp"
#include "parse_worker.hpp"
#include "parsed_unit.hpp"
#include "unit_cache.hpp"
#include "watched_analysis.hpp"

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace devmem::scan::detail {

// --tu-timeout or --tu-memory-limit is not 0.
bool limits_set(const AnalyzerOptions& options);

// How units are parsed under per-unit limits.
struct ParsePlan {
    // In a watched child: in-process, each parse told to the watch. Otherwise in workers.
    const ParseWatch* watch = nullptr;
    // Files a watched child saw past the time limit: reported so without another parse.
    std::set<std::string> over_time;
};

class UnitSource {
public:
    // `slots`: the parsing threads, each with a worker of its own when there are workers.
    UnitSource(const AnalyzerOptions& options, std::size_t slots, const ParsePlan& plan);
    ~UnitSource();
    UnitSource(const UnitSource&) = delete;
    UnitSource& operator=(const UnitSource&) = delete;

    // The unit for `job` on parsing thread `slot`, loaded into or parsed with `index`, its
    // stand-ins starting from `start` (parse_unit()). `on_learned` may be told what the unit
    // learned before the unit is done: only when it is parsed in this process.
    ParsedUnit obtain(std::size_t slot, CXIndex index, const CompileJob& job,
                      const StandInStart& start, const LearnedCallback& on_learned = {});

private:
    ParsedUnit parse_in_worker(std::size_t slot, CXIndex index, const CompileJob& job,
                               const StandInStart& start, const std::optional<std::string>& key,
                               const LearnedCallback& on_learned);
    ParsedUnit parse_here(std::size_t slot, CXIndex index, const CompileJob& job,
                          const StandInStart& start, const std::optional<std::string>& key,
                          const LearnedCallback& on_learned);
    std::filesystem::path scratch_path();

    const AnalyzerOptions& options_;
    const ParsePlan& plan_;
    std::optional<UnitCache> cache_;
    std::vector<std::unique_ptr<ParseWorker>> workers_;
    // Where workers leave ASTs when there is no cache to keep them in.
    std::filesystem::path scratch_directory_;
    std::atomic<unsigned> next_scratch_{0};
};

} // namespace devmem::scan::detail
