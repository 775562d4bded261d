// The command-line shape shared by the probes that run preloaded: `PROBE COMMAND ARGS...`,
// each command a function taking exactly its number of arguments.
#pragma once

#include <cstddef>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

namespace probe {

using Args = std::vector<std::string>;

struct Command {
    const char* name;
    std::size_t args;
    int (*run)(const Args&);
};

// Runs the command argv names; usage (and exit 2) when none matches.
inline int dispatch(std::span<const Command> commands, int argc, char** argv, const char* usage) {
    Args args(argv + 1, argv + argc);
    for (const Command& command : commands)
        if (!args.empty() && args[0] == command.name && args.size() == command.args + 1)
            return command.run(Args(args.begin() + 1, args.end()));
    (void)std::fputs(usage, stderr);
    return 2;
}

} // namespace probe
