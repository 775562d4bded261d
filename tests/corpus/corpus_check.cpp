// devmem-corpus-check SCANNER RULES_DIR PROGRAM_DIR: runs devmem-scan on one corpus program and
// compares its findings with the program's CHECK annotations. Exit 0 when the test passes.
//
// Each program is given to the scanner the way a real project is, through a compilation
// database (its directory is the include path), so findings carry build-level confidence.

#include "corpus_expectations.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sys/wait.h>
#include <unistd.h>

namespace {

std::string shell_quote(const std::string& word) {
    std::string quoted = "'";
    for (const char c : word) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

// Runs the command and returns its standard output and exit status.
std::pair<std::string, int> run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) {
        return {"", -1};
    }
    std::string output;
    std::array<char, 4096> buffer{};
    while (const auto count = fread(buffer.data(), 1, buffer.size(), pipe.get())) {
        output.append(buffer.data(), count);
    }
    const int status = pclose(pipe.release());
    return {output, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

bool is_source(const std::filesystem::path& file) {
    const auto extension = file.extension().string();
    return extension == ".c" || extension == ".cc" || extension == ".cpp" || extension == ".cxx";
}

// Writes compile_commands.json for the program into a fresh directory and returns it.
std::filesystem::path write_compilation_database(const std::filesystem::path& program) {
    auto directory = std::filesystem::temp_directory_path() /
                     fmt::format("devmem-corpus-{}-{}", program.filename().string(), getpid());
    std::filesystem::create_directories(directory);
    auto entries = nlohmann::json::array();
    for (const auto& entry : std::filesystem::recursive_directory_iterator(program)) {
        if (!entry.is_regular_file() || !is_source(entry.path())) {
            continue;
        }
        const bool c = entry.path().extension() == ".c";
        entries.push_back({{"directory", program.string()},
                           {"file", entry.path().string()},
                           {"arguments",
                            {c ? "cc" : "c++", c ? "-std=gnu11" : "-std=gnu++17",
                             "-I" + program.string(), "-c", entry.path().string()}}});
    }
    std::ofstream(directory / "compile_commands.json") << entries.dump(2) << '\n';
    return directory;
}

void print_list(const char* title, const std::vector<std::string>& lines) {
    std::cout << title << " (" << lines.size() << "):\n";
    for (const auto& line : lines) {
        std::cout << "  " << line << '\n';
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: devmem-corpus-check SCANNER RULES_DIR PROGRAM_DIR\n";
        return 2;
    }
    const std::string scanner = argv[1];
    const std::string rules = argv[2];
    const auto program = std::filesystem::canonical(argv[3]);
    try {
        const auto expectations = devmem::corpus::read_program(program);
        const auto database = write_compilation_database(program);
        const auto [output, status] =
            run(fmt::format("{} --format json --rules {} -p {}", shell_quote(scanner),
                            shell_quote(rules), shell_quote(database.string())));
        std::filesystem::remove_all(database);
        if (status != 0 && status != 1) {
            std::cout << "devmem-scan failed with exit status " << status << "\n" << output;
            return 1;
        }
        const auto actual = devmem::corpus::findings_from_json(output);
        const auto comparison = devmem::corpus::compare(expectations.expectations, actual);
        std::vector<std::string> missing;
        std::vector<std::string> unexpected;
        for (const auto& expectation : comparison.missing) {
            missing.push_back(devmem::corpus::describe(expectation));
        }
        for (const auto& finding : comparison.unexpected) {
            unexpected.push_back(devmem::corpus::describe(finding));
        }
        print_list("expected findings that are missing", missing);
        print_list("findings that were not expected", unexpected);
        if (expectations.xfail_reason) {
            if (comparison.matches()) {
                std::cout << "XPASS: every expectation holds; remove the XFAIL ("
                          << *expectations.xfail_reason << ")\n";
                return 1;
            }
            std::cout << "XFAIL: " << *expectations.xfail_reason << '\n';
            return 0;
        }
        std::cout << (comparison.matches() ? "PASS\n" : "FAIL\n");
        return comparison.matches() ? 0 : 1;
    } catch (const std::exception& error) {
        std::cout << "error: " << error.what() << '\n';
        return 1;
    }
}
