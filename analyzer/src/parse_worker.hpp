#pragma once

// Parsing in worker processes, so that one pathological translation unit cannot stall or exhaust
// the run: libclang cannot be interrupted in-process. A worker (devmem-scan-worker) parses one
// unit at a time under an address-space limit and saves its AST to the file it is told; a unit
// that runs past the time limit is killed with its worker, which is replaced for the next one.
// Requests and answers are length-prefixed CBOR messages on a socket.

#include "devmem/scan/analyzer.hpp"
#include "parsed_unit.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace devmem::scan::detail {

struct WorkerLimits {
    std::chrono::seconds timeout{0}; // zero: none
    std::uint64_t memory_mib = 0;    // zero: none
};

// Where devmem-scan-worker is: beside the running binary (the build tree), in the libexec
// directory of its installation, or where this build installs or built it. Throws ToolchainError
// naming the places looked at.
std::filesystem::path find_worker_executable();

class ParseWorker {
public:
    ParseWorker(std::filesystem::path executable, WorkerLimits limits);
    ~ParseWorker();
    ParseWorker(const ParseWorker&) = delete;
    ParseWorker& operator=(const ParseWorker&) = delete;

    struct Outcome {
        ParseRecord record;
        // The worker parsed the unit but could not save its AST (so it is parsed here instead).
        bool unsaved = false;
        // The unit hit a limit or the worker died or misbehaved: a re-run may fare otherwise.
        bool transient = false;
        // ParsedUnit::learned.
        StandInNames learned;
    };
    // Parses the job as parse_unit() does from `stand_ins`, in the worker, which saves the AST at
    // `ast` when record.parsed and keeps the unit's stand-in headers until its next request. A
    // unit that exceeds a limit or kills the worker comes back unparsed and incomplete, its note
    // naming the limit.
    Outcome parse(const CompileJob& job, const AnalyzerOptions& options,
                  const StandInStart& stand_ins, const std::filesystem::path& ast);

private:
    void start();
    // An idle worker is given a moment to exit on end of input, which removes the stand-in
    // headers it still holds; one that is busy or not to be trusted is killed at once.
    enum class Stop { idle, now };
    void stop(Stop how);
    std::string death_note();

    std::filesystem::path executable_;
    WorkerLimits limits_;
    pid_t pid_ = -1;
    int socket_ = -1;
};

// A unit whose parse did not end, for `reason`: unparsed, incomplete, and transient.
ParseWorker::Outcome unfinished_parse(const std::string& reason);
// A unit whose parse went past the time limit.
ParseWorker::Outcome over_time_limit(std::chrono::seconds timeout);

// The worker process: answers requests on standard input until it is closed. Returns the exit
// status.
int run_parse_worker(int argc, const char* const* argv);

} // namespace devmem::scan::detail
