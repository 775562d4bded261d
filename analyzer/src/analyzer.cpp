#include "devmem/scan/analyzer.hpp"

#include "check.hpp"
#include "dataflow.hpp"
#include "fact_extraction.hpp"
#include "libclang_support.hpp"
#include "program.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace devmem::scan {

namespace {

void apply_rewrite_rules(std::vector<Finding>& findings, const std::vector<RewriteRule>& rules) {
    for (auto& finding : findings) {
        for (const auto& rule : rules) {
            if (rule.applies_to(finding.rule, finding.callee)) {
                finding.replacement = rule.replacement;
                finding.rewrite_rule = rule.id;
                finding.trace.push_back(
                    {finding.location, fmt::format("{} [rewrite rule {}]", rule.message, rule.id)});
                break;
            }
        }
    }
}

bool same_finding(const Finding& a, const Finding& b) {
    const auto range_of = [](const Finding& f) {
        constexpr auto none = ~std::uint64_t{0};
        return f.range ? std::pair{f.range->start, f.range->end} : std::pair{none, none};
    };
    return a.rule == b.rule && a.location == b.location && range_of(a) == range_of(b);
}

} // namespace

void check_toolchain(const AnalyzerOptions& options) {
    CompileJob probe{"devmem-scan-self-test.c", {}, {"-x", "c"}, false};
    const auto arguments = detail::parser_arguments(probe, options);
    const auto argv = detail::c_strings(arguments);
    static constexpr char source[] = "#include <stddef.h>\nsize_t probe;\n";
    CXUnsavedFile file{"devmem-scan-self-test.c", source, sizeof(source) - 1};
    CXIndex index = clang_createIndex(0, 0);
    CXTranslationUnit unit = nullptr;
    const auto status =
        clang_parseTranslationUnit2(index, "devmem-scan-self-test.c", argv.data(),
                                    static_cast<int>(argv.size()), &file, 1, 0, &unit);
    bool found = status == CXError_Success && unit != nullptr;
    if (found) {
        for (unsigned i = 0; i < clang_getNumDiagnostics(unit); ++i) {
            CXDiagnostic diagnostic = clang_getDiagnostic(unit, i);
            found = found && clang_getDiagnosticSeverity(diagnostic) < CXDiagnostic_Error;
            clang_disposeDiagnostic(diagnostic);
        }
        clang_disposeTranslationUnit(unit);
    }
    clang_disposeIndex(index);
    if (!found) {
        throw ToolchainError(
            "libclang cannot find its builtin headers (stddef.h); install the Debian package "
            "'libclang-common-19-dev' or pass --resource-dir");
    }
}

Report analyze_program(const std::vector<CompileJob>& jobs, const AnalyzerOptions& options,
                       const std::vector<RewriteRule>& rewrite_rules) {
    Report report;
    detail::Program program(jobs, options, report.notes);
    detail::DataFlow flow(program);
    flow.solve();
    auto facts = detail::extract_facts(flow);
    detail::find_inactive_branches(program, facts);
    for (const auto& check : detail::make_checks()) {
        check->run(facts, report.findings);
    }
    apply_rewrite_rules(report.findings, rewrite_rules);
    std::ranges::stable_sort(report.findings, [](const Finding& a, const Finding& b) {
        return std::tie(a.location, a.rule) < std::tie(b.location, b.rule);
    });
    report.findings.erase(std::unique(report.findings.begin(), report.findings.end(), same_finding),
                          report.findings.end());
    return report;
}

} // namespace devmem::scan
