#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace devmem::scan {

// One translation unit to parse: the file, the directory its relative paths are resolved in, and
// the compiler arguments libclang should see (no compiler name, no source file, no output).
struct CompileJob {
    std::filesystem::path file;
    std::filesystem::path directory;
    std::vector<std::string> arguments;
    // Arguments were guessed (paths mode) rather than taken from the build.
    bool inferred = false;
};

class CompilationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Removes what libclang must not or cannot see from a recorded compiler command line: the
// compiler itself, the source file, output options, -Werror and GCC-only options.
std::vector<std::string> clean_arguments(const std::vector<std::string>& command,
                                         const std::filesystem::path& file);

// Reads compile_commands.json (a file, or the directory holding it).
std::vector<CompileJob> jobs_from_compile_database(const std::filesystem::path& location);

// Files are taken as given; directories are walked for C and C++ sources. Every directory that
// holds a header becomes an include directory of every job.
std::vector<CompileJob> jobs_from_paths(const std::vector<std::filesystem::path>& paths);

bool is_source_file(const std::filesystem::path& path);

} // namespace devmem::scan
