#include "devmem/scan/compilation.hpp"

#include "utf8.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>

namespace devmem::scan {

namespace fs = std::filesystem;

namespace {

// Options only GCC understands; clang would reject or warn about them.
constexpr std::array gcc_only_prefixes{
    "-fno-tree-",
    "-ftree-",
    "-fconserve-stack",
    "-fno-var-tracking",
    "-fvar-tracking",
    "-fipa-",
    "-fno-ipa-",
    "-fstack-usage",
    "-fanalyzer",
    "-fno-allow-store-data-races",
    "-mpreferred-stack-boundary=",
    "-mindirect-branch=",
    "-fmin-function-alignment=",
};

// Options that take their value as the next argument and that libclang must not see.
constexpr std::array dropped_with_value{"-o", "-MF", "-MT", "-MQ"};
constexpr std::array dropped_alone{"-c", "-MD", "-MMD", "-M", "-MM", "-MP", "-pipe"};

bool is_gcc_only(std::string_view argument) {
    return std::ranges::any_of(
        gcc_only_prefixes, [&](std::string_view prefix) { return argument.starts_with(prefix); });
}

// Splits a shell command line the way compile_commands.json's "command" expects.
std::vector<std::string> split_command(std::string_view command) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < command.size(); ++i) {
        const char c = command[i];
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            } else if (c == '\\' && quote == '"' && i + 1 < command.size()) {
                word += command[++i];
            } else {
                word += c;
            }
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < command.size()) {
            word += command[++i];
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) {
                words.push_back(std::move(word));
                word.clear();
                in_word = false;
            }
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) {
        words.push_back(std::move(word));
    }
    return words;
}

// fs::path's order, element by element, without taking the paths apart: a separator sorts before
// any other byte. The same as path's own for paths without "//", such as a directory walk gives.
// Files of one tree share long prefixes, so the common part is skipped before any byte is ranked.
bool in_path_order(const fs::path& a, const fs::path& b) {
    const std::string_view left = a.native();
    const std::string_view right = b.native();
    const auto [left_end, right_end] = std::ranges::mismatch(left, right);
    if (right_end == right.end()) {
        return false;
    }
    if (left_end == left.end()) {
        return true;
    }
    const auto rank = [](char c) { return c == '/' ? 0U : static_cast<unsigned char>(c) + 1U; };
    return rank(*left_end) < rank(*right_end);
}

std::vector<std::string> language_arguments(const fs::path& file) {
    const auto extension = file.extension().string();
    if (extension == ".c") {
        return {"-x", "c", "-std=gnu11"};
    }
    return {"-x", "c++", "-std=gnu++17"};
}

} // namespace

bool is_source_file(const fs::path& path) {
    static const std::set<std::string> extensions{".c", ".cc", ".cpp", ".cxx", ".C"};
    return extensions.contains(path.extension().string());
}

std::vector<std::string> clean_arguments(const std::vector<std::string>& command,
                                         const fs::path& file) {
    std::vector<std::string> cleaned;
    for (std::size_t i = command.empty() ? 0 : 1; i < command.size(); ++i) {
        const auto& argument = command[i];
        if (std::ranges::find(dropped_with_value, argument) != dropped_with_value.end()) {
            ++i;
            continue;
        }
        const bool is_input =
            fs::path(argument) == file || fs::path(argument).filename() == file.filename();
        if (std::ranges::find(dropped_alone, argument) != dropped_alone.end() ||
            argument.starts_with("-Werror") || is_gcc_only(argument) ||
            (is_input && !argument.starts_with("-"))) {
            continue;
        }
        cleaned.push_back(argument);
    }
    return cleaned;
}

namespace {

// Throws nlohmann::json::exception when a field has the wrong type; the caller names the entry.
CompileJob job_from_entry(const nlohmann::json& entry) {
    CompileJob job;
    job.directory = entry.at("directory").get<std::string>();
    const auto file = entry.at("file").get<std::string>();
    job.file = fs::path(file).is_relative() ? job.directory / file : fs::path(file);
    std::vector<std::string> command;
    if (entry.contains("arguments")) {
        command = entry.at("arguments").get<std::vector<std::string>>();
    } else if (entry.contains("command")) {
        command = split_command(entry.at("command").get<std::string>());
    }
    job.arguments = clean_arguments(command, file);
    return job;
}

} // namespace

std::vector<CompileJob> jobs_from_compile_database(const fs::path& location) {
    const auto file = fs::is_directory(location) ? location / "compile_commands.json" : location;
    std::ifstream in(file);
    if (!in) {
        throw CompilationError(
            fmt::format("{}: cannot read the compilation database", file.string()));
    }
    nlohmann::json database;
    try {
        database = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& error) {
        // nlohmann quotes the offending bytes, which need not be UTF-8.
        throw CompilationError(
            fmt::format("{}: {}", file.string(), detail::to_valid_utf8(error.what())));
    }
    if (!database.is_array()) {
        throw CompilationError(fmt::format("{}: expected an array of entries", file.string()));
    }
    std::vector<CompileJob> jobs;
    for (const auto& entry : database) {
        if (!entry.is_object() || !entry.contains("file") || !entry.contains("directory")) {
            throw CompilationError(
                fmt::format("{}: every entry needs \"directory\" and \"file\"", file.string()));
        }
        try {
            jobs.push_back(job_from_entry(entry));
        } catch (const nlohmann::json::exception&) {
            throw CompilationError(fmt::format(
                "{}: entry {}: \"directory\" and \"file\" must be strings, \"arguments\" a list "
                "of strings, \"command\" a string",
                file.string(), jobs.size() + 1));
        }
    }
    return jobs;
}

std::vector<CompileJob> jobs_from_paths(const std::vector<fs::path>& paths) {
    std::vector<fs::path> sources;
    std::set<fs::path> include_directories;
    for (const auto& path : paths) {
        if (fs::is_directory(path)) {
            for (const auto& entry : fs::recursive_directory_iterator(path)) {
                if (!entry.is_regular_file()) {
                    continue;
                }
                if (is_source_file(entry.path())) {
                    sources.push_back(entry.path());
                } else if (entry.path().extension() == ".h" || entry.path().extension() == ".hpp") {
                    include_directories.insert(fs::absolute(entry.path().parent_path()));
                }
            }
        } else if (fs::exists(path)) {
            sources.push_back(path);
            include_directories.insert(fs::absolute(path).parent_path());
        } else {
            throw CompilationError(fmt::format("{}: no such file or directory", path.string()));
        }
    }
    std::ranges::sort(sources, in_path_order);
    std::vector<CompileJob> jobs;
    jobs.reserve(sources.size());
    for (const auto& source : sources) {
        const auto file = fs::absolute(source);
        CompileJob job{file, file.parent_path(), language_arguments(source), true};
        for (const auto& directory : include_directories) {
            job.arguments.push_back("-I" + directory.string());
        }
        jobs.push_back(std::move(job));
    }
    return jobs;
}

} // namespace devmem::scan
