#include "devmem/scan/cli.hpp"

#include "devmem/scan/analyzer.hpp"
#include "devmem/scan/report.hpp"
#include "devmem/scan/rewrite_rules.hpp"

#include <devmem/version.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <fstream>

namespace devmem::scan {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* usage_line = "usage: devmem-scan [options] [FILE|DIR...]";

struct Options {
    std::vector<std::string> inputs;
    std::string build_path;
    std::string rules;
    std::string format = "text";
    std::string output;
    AnalyzerOptions analyzer;
};

po::options_description describe(Options& options) {
    po::options_description description("options");
    description.add_options()("help,h", "print this help and exit")("version",
                                                                    "print the version and exit")(
        "build-path,p", po::value(&options.build_path)->value_name("DIR|FILE"),
        "read compile_commands.json from DIR (or FILE); FILE arguments then select entries")(
        "rules", po::value(&options.rules)->value_name("DIR"),
        "directory of rewrite rule files (*.yaml)")(
        "format", po::value(&options.format)->value_name("text|json|sarif"),
        "output format (default: text)")("output,o", po::value(&options.output)->value_name("FILE"),
                                         "write the report to FILE instead of standard output")(
        "extra-arg", po::value(&options.analyzer.extra_arguments)->composing()->value_name("ARG"),
        "pass ARG to the parser (repeatable)")(
        "resource-dir", po::value(&options.analyzer.resource_dir)->value_name("DIR"),
        "clang resource directory holding the builtin headers");
    return description;
}

fs::path rules_directory(const Options& options) {
    if (!options.rules.empty()) {
        return options.rules;
    }
    for (const auto& candidate : default_rule_directories()) {
        if (fs::is_directory(candidate)) {
            return candidate;
        }
    }
    return default_rule_directories().front();
}

std::vector<CompileJob> select_jobs(const Options& options) {
    if (options.build_path.empty()) {
        if (options.inputs.empty()) {
            throw CompilationError("no input files (give FILE/DIR arguments or -p DIR)");
        }
        std::vector<fs::path> paths(options.inputs.begin(), options.inputs.end());
        return jobs_from_paths(paths);
    }
    auto jobs = jobs_from_compile_database(options.build_path);
    if (options.inputs.empty()) {
        return jobs;
    }
    std::vector<CompileJob> selected;
    for (auto& job : jobs) {
        const auto file = fs::weakly_canonical(job.file);
        for (const auto& input : options.inputs) {
            const auto wanted = fs::weakly_canonical(input);
            const auto relative = file.lexically_relative(wanted);
            if (file == wanted || (!relative.empty() && *relative.begin() != "..")) {
                selected.push_back(job);
                break;
            }
        }
    }
    return selected;
}

} // namespace

std::vector<fs::path> default_rule_directories() {
    std::vector<fs::path> directories;
    // Next to the running binary first, so that a relocated install or package finds its own.
    std::error_code error;
    const auto executable = fs::read_symlink("/proc/self/exe", error);
    if (!error) {
        directories.push_back(executable.parent_path().parent_path() / "share" / "devmem-migrate" /
                              "rewrite-rules");
    }
    directories.emplace_back(DEVMEM_SCAN_INSTALLED_RULES_DIR);
    directories.emplace_back(DEVMEM_SCAN_SOURCE_RULES_DIR);
    return directories;
}

int run_devmem_scan(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    Options options;
    const auto description = describe(options);
    // The inputs are positional only, so --help does not list them as an option.
    po::options_description inputs;
    inputs.add_options()("input", po::value(&options.inputs)->composing());
    po::options_description all;
    all.add(description).add(inputs);
    po::positional_options_description positional;
    positional.add("input", -1);
    po::variables_map variables;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(),
                  variables);
        po::notify(variables);
    } catch (const po::error& error) {
        err << "devmem-scan: error: " << error.what() << '\n' << usage_line << '\n';
        return exit_usage;
    }
    if (variables.count("help") != 0) {
        out << usage_line << "\n\n" << description;
        return exit_clean;
    }
    if (variables.count("version") != 0) {
        out << "devmem-scan " << DEVMEM_VERSION << '\n';
        return exit_clean;
    }
    const auto format = parse_output_format(options.format);
    if (!format) {
        err << "devmem-scan: error: unknown format '" << options.format
            << "' (expected text, json or sarif)\n";
        return exit_usage;
    }
    try {
        const auto rules = load_rewrite_rules(rules_directory(options));
        const auto jobs = select_jobs(options);
        check_toolchain(options.analyzer);
        const auto report = analyze_program(jobs, options.analyzer, rules);
        if (options.output.empty()) {
            write_report(out, report, *format);
        } else {
            std::ofstream file(options.output);
            if (!file) {
                err << "devmem-scan: error: cannot write " << options.output << '\n';
                return exit_usage;
            }
            write_report(file, report, *format);
        }
        return report.findings.empty() ? exit_clean : exit_findings;
    } catch (const RuleFileError& error) {
        err << error.what() << '\n';
    } catch (const CompilationError& error) {
        err << "devmem-scan: error: " << error.what() << '\n';
    } catch (const ToolchainError& error) {
        err << "devmem-scan: error: " << error.what() << '\n';
    }
    return exit_usage;
}

} // namespace devmem::scan
