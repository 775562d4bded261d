// devmem-shim: validates a table source, then runs a command with libdevmem-shim.so preloaded.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace devmem::launcher {

// Documented in docs/man/devmem-shim.1; scripts depend on them.
enum ExitCode : int {
    exit_ok = 0,
    exit_usage = 2,
    exit_bad_source = 3,
    exit_no_preload = 4,
    exit_not_executable = 126,
    exit_not_found = 127,
};

struct Options {
    std::optional<std::string> dump;
    std::optional<std::string> firmware;
    std::optional<std::string> mode;
    std::optional<std::string> log;
    std::optional<std::string> export_image;
    bool check = false;
    bool version = false;
    bool help = false;
    std::vector<std::string> command;
};

struct ParseResult {
    Options options;
    std::string error; // empty on success
};

ParseResult parse_arguments(const std::vector<std::string>& args);

void print_usage(std::ostream& out);

// Does what the options ask; execs the command (and so returns only on failure) when there is
// one.
int run(const Options& options, std::ostream& out, std::ostream& err);

} // namespace devmem::launcher
