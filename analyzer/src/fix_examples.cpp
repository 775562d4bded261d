#include "devmem/scan/fixes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace devmem::scan {

namespace fs = std::filesystem;

namespace {

// A directory for one example, removed with its contents.
class ExampleDirectory {
public:
    ExampleDirectory() {
        auto pattern = (fs::temp_directory_path() / "devmem-scan-example-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw FixError("cannot create a temporary directory for the rule examples");
        }
        path_ = pattern;
    }
    ~ExampleDirectory() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    ExampleDirectory(const ExampleDirectory&) = delete;
    ExampleDirectory& operator=(const ExampleDirectory&) = delete;

    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string indented(std::string_view text, std::string_view prefix = "    | ") {
    std::string result;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const auto line = text.substr(0, end == std::string_view::npos ? text.size() : end + 1);
        result += prefix;
        result += line;
        text.remove_prefix(line.size());
    }
    if (!result.empty() && result.back() != '\n') {
        result += '\n';
    }
    return result;
}

// Why the example fails; empty when it passes.
std::string check_example(const RewriteRule& rule, const RewriteRule::Example& example,
                          const std::vector<RewriteRule>& rules, const AnalyzerOptions& options) {
    ExampleDirectory directory;
    const auto file = directory.path() / (example.language == "c++" ? "example.cpp" : "example.c");
    std::ofstream(file, std::ios::binary) << example.source;
    // A rule that reuses the fix of a descriptor's open needs the rules that fix opens.
    std::vector<RewriteRule> loaded{rule};
    if (rule.fix && rule.fix->reuse_descriptor_open) {
        std::ranges::copy_if(rules, std::back_inserter(loaded), [](const RewriteRule& other) {
            return other.fix && !other.fix->reuse_descriptor_open;
        });
    }
    const auto report = analyze_program(jobs_from_paths({file}), options, loaded);
    for (const auto& note : report.notes) {
        if (note.kind == NoteKind::incomplete_analysis) {
            return fmt::format("the example does not parse: {}", note.message);
        }
    }
    std::vector<Edit> edits;
    for (const auto& finding : report.findings) {
        if (finding.rewrite_rule == rule.id) {
            edits.insert(edits.end(), finding.edits.begin(), finding.edits.end());
        }
    }
    const auto merged = merge_edits(edits);
    for (const auto& edit : merged) {
        if (fs::path(edit.file) != fs::canonical(file)) {
            return fmt::format("the rule edits {}, outside the example", edit.file);
        }
    }
    const auto result = apply_edits(example.source, merged);
    if (!example.fixed) {
        return merged.empty()
                   ? std::string{}
                   : fmt::format("the rule edited a negative example into:\n{}", indented(result));
    }
    if (result == *example.fixed) {
        return {};
    }
    return fmt::format("expected:\n{}got:\n{}", indented(*example.fixed), indented(result));
}

} // namespace

std::size_t test_rule_examples(const std::vector<RewriteRule>& rules,
                               const AnalyzerOptions& options, std::ostream& out) {
    std::size_t total = 0;
    std::size_t failed = 0;
    for (const auto& rule : rules) {
        for (const auto& example : rule.examples) {
            ++total;
            std::string failure;
            try {
                failure = check_example(rule, example, rules, options);
            } catch (const FixError& error) {
                failure = error.what();
            }
            out << fmt::format("{} {}: {} ({}:{})\n", failure.empty() ? "PASS" : "FAIL", rule.id,
                               example.name, rule.file.string(), example.line);
            if (!failure.empty()) {
                ++failed;
                out << indented(failure, "  ");
            }
        }
    }
    out << fmt::format("{} examples of {} rules, {} passed, {} failed\n", total, rules.size(),
                       total - failed, failed);
    return failed;
}

} // namespace devmem::scan
