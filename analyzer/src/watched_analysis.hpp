#pragma once

// Per-unit limits without a worker process per unit. Handing a unit over from a worker costs
// about as much as parsing it (the worker saves its AST, this process loads and walks it), so by
// default the whole analysis runs in one child process that parses in-process, while this
// process watches every parse against --tu-timeout and --tu-memory-limit. A unit over a limit, a
// parse libclang only survived by its crash recovery, or a child that dies make the analysis
// start again with a worker per unit (parse_worker.hpp), which reports each such unit exactly as
// before; a file seen over the time limit is not parsed a second time.

#include "devmem/scan/analyzer.hpp"

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>

namespace devmem::scan::detail {

// The child's side: each parsing thread says when it starts and ends a unit.
class ParseWatch {
public:
    explicit ParseWatch(int events) : events_(events) {}

    void begin(std::size_t slot, const std::filesystem::path& file) const;
    void end(std::size_t slot) const;
    // Ends the child, asking for the run in workers (a parse libclang did not survive cleanly:
    // the state it leaves is not to be trusted, and a worker reports such a unit).
    [[noreturn]] void isolate() const;

private:
    int events_;
};

struct WatchedOutcome {
    // The child's report; nullopt: analyse again in workers.
    std::optional<Report> report;
    // The files whose parse went past the time limit.
    std::set<std::string> over_time;
};

// Whether this process can watch a child's memory (it reads /proc/PID/statm).
bool can_watch(const AnalyzerOptions& options);

// Runs `analysis` in a forked child, which must parse in-process and tell the watch of every
// unit. An exception the analysis throws is rethrown here (ToolchainError and ConfigError as
// themselves, anything else as std::runtime_error). Call from a single-threaded process.
WatchedOutcome run_watched(const AnalyzerOptions& options,
                           const std::function<Report(const ParseWatch&)>& analysis);

} // namespace devmem::scan::detail
