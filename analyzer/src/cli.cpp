#include "devmem/scan/cli.hpp"

#include "devmem/scan/analyzer.hpp"
#include "devmem/scan/baseline.hpp"
#include "devmem/scan/fixes.hpp"
#include "devmem/scan/lint_config.hpp"
#include "devmem/scan/report.hpp"
#include "devmem/scan/rewrite_rules.hpp"
#include "devmem/scan/runtime_log.hpp"
#include "devmem/scan/suppressions.hpp"

#include <devmem/version.hpp>

#include <unistd.h>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>

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
    std::string fail_on;
    bool strict = false;
    bool summary = false;
    std::string checks;
    std::string config;
    std::string overrides;
    std::string baseline;
    std::string write_baseline;
    std::string root;
    bool fix = false;
    bool fix_diff = false;
    std::string export_fixes;
    bool test_rules = false;
    std::vector<std::string> runtime_logs;
    bool no_progress = false;
    bool report_suppressed = false;
    std::string cache_dir;
    std::string cache_max_size = "1G";
    // Signed, so that a negative limit is refused rather than wrapped around.
    std::int64_t tu_timeout = 120;
    std::int64_t tu_memory_limit = 4096;
    AnalyzerOptions analyzer;
};

po::options_description describe(Options& options) {
    po::options_description description("options");
    auto add = description.add_options();
    add("help,h", "print this help and exit");
    add("version", "print the version and exit");
    add("build-path,p", po::value(&options.build_path)->value_name("DIR|FILE"),
        "read compile_commands.json from DIR (or FILE); FILE arguments then select entries");
    add("rules", po::value(&options.rules)->value_name("DIR"),
        "directory of rewrite rule files (*.yaml)");
    add("format", po::value(&options.format)->value_name("text|json|sarif|gitlab|markdown|html"),
        "output format (default: text); markdown and html are refactoring reports");
    add("output,o", po::value(&options.output)->value_name("FILE"),
        "write the report to FILE instead of standard output");
    add("fail-on", po::value(&options.fail_on)->value_name("error|warning|note"),
        "exit 1 when a finding is at least this severe (default: warning)");
    add("strict", po::bool_switch(&options.strict),
        "exit 3 when a file failed to parse, so the analysis is incomplete");
    add("summary", po::bool_switch(&options.summary),
        "also print a one-screen summary (counts by rule and file) on standard error");
    add("checks", po::value(&options.checks)->value_name("GLOBS"),
        "rules to run, e.g. 'DM*,-DM007' (default: all, or the config file's)");
    add("config", po::value(&options.config)->value_name("FILE"),
        "configuration file (default: the nearest .devmem-scan.yaml above the scanned path)");
    add("overrides", po::value(&options.overrides)->value_name("FILE"),
        "overrides file (default: ROOT/debian/devmem-scan.overrides when it exists)");
    add("baseline", po::value(&options.baseline)->value_name("FILE"),
        "do not report the findings recorded in FILE; report its stale entries");
    add("write-baseline", po::value(&options.write_baseline)->value_name("FILE"),
        "record the findings in FILE as accepted, then exit 0");
    add("report-suppressed", po::bool_switch(&options.report_suppressed),
        "also write the findings that inline comments, overrides or the baseline silence, as "
        "SARIF results marked suppressed (--format sarif)");
    add("root", po::value(&options.root)->value_name("DIR"),
        "scan root: base of reported paths and fingerprints (default: the current directory)");
    add("fix", po::bool_switch(&options.fix),
        "apply the rewrite rules' fixes to the files in place (refused for files changed since "
        "they were analysed)");
    add("fix-diff", po::bool_switch(&options.fix_diff),
        "write the fixes as a unified diff (for git apply or patch -p1 from --root) instead of "
        "the report");
    add("export-fixes", po::value(&options.export_fixes)->value_name("FILE"),
        "write the fixes to FILE as clang-apply-replacements YAML");
    add("test-rules", po::bool_switch(&options.test_rules),
        "run every rewrite rule's examples and exit (0: all pass, 1: failures)");
    add("runtime-log", po::value(&options.runtime_logs)->composing()->value_name("FILE"),
        "merge a devmem-shim audit log into the markdown, html or json report (repeatable)");
    add("jobs,j", po::value(&options.analyzer.jobs)->value_name("N"),
        "read and parse N files at a time (default 0: every core)");
    add("cache-dir", po::value(&options.cache_dir)->value_name("DIR"),
        "keep reports and parsed files in DIR, so that a re-run parses only what changed");
    add("cache-max-size", po::value(&options.cache_max_size)->value_name("SIZE"),
        "trim DIR to SIZE bytes (suffix K, M or G; default 1G; 0: no limit) after a run, least "
        "recently used first");
    add("tu-timeout", po::value(&options.tu_timeout)->value_name("SECONDS"),
        "give up on a file whose parsing takes longer (default 120; 0: no limit)");
    add("tu-memory-limit", po::value(&options.tu_memory_limit)->value_name("MIB"),
        "give up on a file whose parser needs more memory (default 4096; 0: no limit); with "
        "both limits 0, files are parsed in-process");
    add("no-progress", po::bool_switch(&options.no_progress),
        "no progress line on standard error even when it is a terminal");
    add("extra-arg", po::value(&options.analyzer.extra_arguments)->composing()->value_name("ARG"),
        "pass ARG to the parser (repeatable)");
    add("resource-dir", po::value(&options.analyzer.resource_dir)->value_name("DIR"),
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

// Where the configuration file is looked for: the first scanned path, else the database's.
fs::path config_search_start(const Options& options) {
    if (!options.inputs.empty()) {
        return options.inputs.front();
    }
    return options.build_path.empty() ? fs::current_path() : fs::path(options.build_path);
}

// The lint policy from the command line over the configuration file over the defaults.
struct Policy {
    RuleSelection selection;
    std::map<std::string, Severity> severity;
    Severity fail_on = Severity::warning;
};

Policy resolve_policy(const Options& options) {
    LintConfig config;
    const auto config_file = options.config.empty() ? find_lint_config(config_search_start(options))
                                                    : std::optional<fs::path>(options.config);
    if (config_file) {
        config = load_lint_config(*config_file);
    }
    Policy policy;
    if (!options.checks.empty()) {
        policy.selection = RuleSelection(options.checks);
    } else if (config.checks) {
        policy.selection = RuleSelection(*config.checks);
    }
    policy.severity = std::move(config.severity);
    if (!options.fail_on.empty()) {
        const auto fail_on = parse_severity(options.fail_on);
        if (!fail_on) {
            throw ConfigError(
                fmt::format("--fail-on takes error, warning or note, not '{}'", options.fail_on));
        }
        policy.fail_on = *fail_on;
    } else if (config.fail_on) {
        policy.fail_on = *config.fail_on;
    }
    return policy;
}

// Rule selection, then inline comments, then the overrides file: what is left is reported.
void apply_suppressions(Report& report, const Options& options, const Policy& policy,
                        const std::vector<CompileJob>& jobs) {
    apply_rule_policy(report.findings, policy.selection, policy.severity);
    std::vector<std::string> scanned_files;
    if (report.files_with_markers) {
        scanned_files = *report.files_with_markers;
    } else {
        scanned_files.reserve(jobs.size());
        for (const auto& job : jobs) {
            scanned_files.push_back(job.file.string());
        }
    }
    apply_inline_suppressions(report, scanned_files);
    auto overrides_file = fs::path(options.overrides);
    if (options.overrides.empty()) {
        overrides_file = report.root / default_overrides_path;
    }
    if (!options.overrides.empty() || fs::exists(overrides_file)) {
        apply_overrides(report, load_overrides(overrides_file));
    }
}

// "512M", "2G", "1048576": bytes with an optional binary suffix.
std::uint64_t parse_size(const std::string& text) {
    const auto refuse = [&] {
        return ConfigError(fmt::format(
            "--cache-max-size takes a number of bytes with an optional K, M or G, not '{}'", text));
    };
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
        ++digits;
    }
    const auto suffix = std::string_view(text).substr(digits);
    unsigned shift = 0;
    if (suffix == "K" || suffix == "k") {
        shift = 10;
    } else if (suffix == "M" || suffix == "m") {
        shift = 20;
    } else if (suffix == "G" || suffix == "g") {
        shift = 30;
    } else if (!suffix.empty()) {
        throw refuse();
    }
    constexpr std::size_t max_digits = 12;
    if (digits == 0 || digits > max_digits) {
        throw refuse();
    }
    return std::stoull(text.substr(0, digits)) << shift;
}

void set_parse_limits(Options& options) {
    for (const auto& [name, value] : {std::pair{"--tu-timeout", options.tu_timeout},
                                      std::pair{"--tu-memory-limit", options.tu_memory_limit}}) {
        if (value < 0 || value > std::numeric_limits<unsigned>::max()) {
            throw ConfigError(fmt::format("{} takes a number from 0 to {}, not {}", name,
                                          std::numeric_limits<unsigned>::max(), value));
        }
    }
    options.analyzer.tu_timeout_seconds = static_cast<unsigned>(options.tu_timeout);
    options.analyzer.tu_memory_limit_mib = static_cast<std::uint64_t>(options.tu_memory_limit);
    options.analyzer.cache_directory = options.cache_dir;
    options.analyzer.cache_max_bytes = parse_size(options.cache_max_size);
}

// Standard error itself, attached to a terminal: the one place a progress line belongs.
bool is_terminal(const std::ostream& stream) {
    return stream.rdbuf() == std::cerr.rdbuf() && ::isatty(STDERR_FILENO) != 0;
}

int exit_status(const Report& report, const Options& options, const Policy& policy) {
    if (options.strict && analysis_incomplete(report)) {
        return exit_incomplete;
    }
    const bool failing = std::ranges::any_of(report.findings, [&](const Finding& finding) {
        return finding.severity >= policy.fail_on;
    });
    return failing ? exit_findings : exit_clean;
}

bool wants_fixes(const Options& options) {
    return options.fix || options.fix_diff || !options.export_fixes.empty();
}

// --fix, --fix-diff and --export-fixes; the diff takes the report's place on the output.
void write_fixes(const Options& options, const Report& report, std::ostream& out,
                 std::ostream& err) {
    const auto selection = select_fixes(report.findings);
    for (const auto& refusal : selection.refusals) {
        err << "devmem-scan: warning: " << refusal << '\n';
    }
    if (!options.export_fixes.empty()) {
        std::vector<Finding> accepted;
        for (const auto& finding : report.findings) {
            if (std::ranges::all_of(finding.edits, [&](const Edit& edit) {
                    return std::ranges::find(selection.edits, edit) != selection.edits.end();
                })) {
                accepted.push_back(finding);
            }
        }
        std::ofstream file(options.export_fixes);
        file << render_clang_replacements(accepted);
        if (!file) {
            throw ConfigError(fmt::format("cannot write {}", options.export_fixes));
        }
    }
    if (options.fix_diff) {
        const auto diff = render_unified_diff(selection.edits, report.root);
        if (options.output.empty()) {
            out << diff;
        } else {
            std::ofstream file(options.output, std::ios::binary);
            file << diff;
            if (!file) {
                throw ConfigError(fmt::format("cannot write {}", options.output));
            }
        }
    }
    if (options.fix) {
        const auto written = apply_fixes_in_place(selection.edits);
        err << "devmem-scan: fixed " << written.size() << (written.size() == 1 ? " file" : " files")
            << '\n';
    }
}

void write_report_file(const Options& options, const Report& report, const RuntimeMerge& runtime,
                       OutputFormat format, std::ostream& out) {
    if (options.output.empty()) {
        write_report(out, report, format, runtime);
        return;
    }
    std::ofstream file(options.output);
    write_report(file, report, format, runtime);
    if (!file) {
        throw ConfigError(fmt::format("cannot write {}", options.output));
    }
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
            << "' (expected text, json, sarif, gitlab, markdown or html)\n";
        return exit_usage;
    }
    if (options.report_suppressed && *format != OutputFormat::sarif) {
        err << "devmem-scan: error: --report-suppressed needs --format sarif\n";
        return exit_usage;
    }
    if (!options.runtime_logs.empty() && *format != OutputFormat::markdown &&
        *format != OutputFormat::html && *format != OutputFormat::json) {
        err << "devmem-scan: error: --runtime-log needs --format markdown, html or json\n";
        return exit_usage;
    }
    try {
        const std::vector<fs::path> runtime_logs(options.runtime_logs.begin(),
                                                 options.runtime_logs.end());
        // Read before the analysis, so that a bad log fails fast.
        auto runtime_events = load_runtime_logs(runtime_logs);
        set_parse_limits(options);
        const auto policy = resolve_policy(options);
        const auto rules = load_rewrite_rules(rules_directory(options));
        if (options.test_rules) {
            check_toolchain(options.analyzer);
            return test_rule_examples(rules, options.analyzer, out) == 0 ? exit_clean
                                                                         : exit_findings;
        }
        const auto jobs = select_jobs(options);
        if (!options.no_progress && is_terminal(err)) {
            options.analyzer.progress = &err;
        }
        auto report = analyze_program(jobs, options.analyzer, rules);
        report.root =
            fs::absolute(options.root.empty() ? fs::current_path() : fs::path(options.root))
                .lexically_normal();
        apply_suppressions(report, options, policy, jobs);
        if (!options.write_baseline.empty()) {
            write_baseline(options.write_baseline, report);
            err << "devmem-scan: recorded " << report.findings.size() << " findings in "
                << options.write_baseline << '\n';
            return exit_clean;
        }
        if (!options.baseline.empty()) {
            apply_baseline(report, options.baseline);
        }
        if (!options.report_suppressed) {
            report.suppressed.clear();
        }
        if (wants_fixes(options)) {
            write_fixes(options, report, out, err);
        }
        if (!options.fix_diff) {
            const auto runtime =
                merge_runtime_events(report, runtime_logs, std::move(runtime_events));
            write_report_file(options, report, runtime, *format, out);
        }
        if (options.summary) {
            write_summary(err, report);
        }
        return exit_status(report, options, policy);
    } catch (const ConfigError& error) {
        err << "devmem-scan: error: " << error.what() << '\n';
    } catch (const RuleFileError& error) {
        err << error.what() << '\n';
    } catch (const CompilationError& error) {
        err << "devmem-scan: error: " << error.what() << '\n';
    } catch (const ToolchainError& error) {
        err << "devmem-scan: error: " << error.what() << '\n';
    } catch (const RuntimeLogError& error) {
        err << "devmem-scan: error: " << error.what() << '\n';
    } catch (const FixError& error) {
        err << "devmem-scan: error: " << error.what() << '\n';
        return exit_fix_failed;
    }
    return exit_usage;
}

} // namespace devmem::scan
