// The writers given a finding, a trace step and a note whose file names and messages are the
// parts of the input (separated by fuzz_support.hpp's part_separator): file names can hold any
// byte, and messages quote source text. JSON and SARIF must parse as JSON; the HTML report must
// not let any of it become a tag; the Markdown report must not crash.
#include "fuzz_support.hpp"

#include "devmem/scan/finding.hpp"
#include "devmem/scan/report.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

namespace {

devmem::scan::Report report_from(const uint8_t* data, size_t size) {
    auto parts = devmem::fuzz::split_parts(data, size);
    // Missing parts are empty strings, which the writers must handle too.
    auto part = [&](size_t i) { return std::string(i < parts.size() ? parts[i] : ""); };
    auto catalogue = devmem::scan::rule_catalogue();
    const auto& rule = catalogue[size % catalogue.size()];

    devmem::scan::Finding finding;
    finding.rule = rule.id;
    finding.category = rule.category;
    finding.severity = rule.severity;
    finding.location = {part(0), static_cast<unsigned>(size), static_cast<unsigned>(parts.size())};
    finding.function = part(1);
    finding.callee = part(2);
    finding.message = part(3);
    finding.replacement = part(4);
    finding.trace.push_back({{part(5), 1, 1}, part(6)});

    devmem::scan::Report report;
    report.findings.push_back(std::move(finding));
    report.notes.push_back({{part(7), 0, 0}, part(8)});
    return report;
}

void check_parses(const devmem::scan::Report& report, devmem::scan::OutputFormat format) {
    std::ostringstream out;
    devmem::scan::write_report(out, report, format);
    if (!nlohmann::json::accept(out.str()))
        abort();
}

void check_html_escapes(const devmem::scan::Report& report) {
    std::ostringstream out;
    devmem::scan::write_report(out, report, devmem::scan::OutputFormat::html);
    const auto html = out.str();
    if (html.find("<script") != std::string::npos || html.find("<img") != std::string::npos)
        abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto report = report_from(data, size);
    check_parses(report, devmem::scan::OutputFormat::json);
    check_parses(report, devmem::scan::OutputFormat::sarif);
    check_html_escapes(report);
    std::ostringstream markdown;
    devmem::scan::write_report(markdown, report, devmem::scan::OutputFormat::markdown);
    return 0;
}
