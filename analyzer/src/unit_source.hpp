#pragma once

// Where a parsing thread gets each translation unit from: the cache when --cache-dir holds a
// valid entry, otherwise a worker process when per-unit limits are set (the default), otherwise
// libclang in this process. New parses are stored in the cache.

#include "devmem/scan/analyzer.hpp"
#include "parse_worker.hpp"
#include "parsed_unit.hpp"
#include "unit_cache.hpp"

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace devmem::scan::detail {

class UnitSource {
public:
    // `slots`: the parsing threads, each with a worker of its own.
    UnitSource(const AnalyzerOptions& options, std::size_t slots);
    ~UnitSource();
    UnitSource(const UnitSource&) = delete;
    UnitSource& operator=(const UnitSource&) = delete;

    // The unit for `job` on parsing thread `slot`, loaded into or parsed with `index`, its
    // stand-ins starting from `start` (parse_unit()).
    ParsedUnit obtain(std::size_t slot, CXIndex index, const CompileJob& job,
                      const StandInStart& start);

private:
    ParsedUnit parse_in_worker(std::size_t slot, CXIndex index, const CompileJob& job,
                               const StandInStart& start, const std::optional<std::string>& key);
    ParsedUnit parse_here(CXIndex index, const CompileJob& job, const StandInStart& start,
                          const std::optional<std::string>& key);
    std::filesystem::path scratch_path();

    const AnalyzerOptions& options_;
    std::optional<UnitCache> cache_;
    std::vector<std::unique_ptr<ParseWorker>> workers_;
    // Where workers leave ASTs when there is no cache to keep them in.
    std::filesystem::path scratch_directory_;
    std::atomic<unsigned> next_scratch_{0};
};

} // namespace devmem::scan::detail
