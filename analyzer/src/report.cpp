#include "devmem/scan/report.hpp"

#include "devmem/scan/fingerprint.hpp"
#include "devmem/scan/runtime_log.hpp"
#include "json_fields.hpp"
#include "refactoring_report.hpp"
#include "sarif_writer.hpp"
#include "source_lines.hpp"
#include "utf8.hpp"

#include <devmem/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <sstream>

namespace devmem::scan {

namespace {

// A note about a whole file has no line.
std::string where(const SourceLocation& location) {
    if (location.line == 0) {
        return location.file;
    }
    return fmt::format("{}:{}:{}", location.file, location.line, location.column);
}

// A long line (generated tables, minified code) is quoted as a window around the column.
void write_snippet(std::ostream& out, detail::SourceLines& sources,
                   const SourceLocation& location) {
    constexpr std::size_t context = 80;
    const std::string_view line = sources.line(location.file, location.line);
    if (line.empty()) {
        return;
    }
    const std::size_t column = std::min<std::size_t>(location.column, line.size() + 1);
    const auto is_continuation = [&](std::size_t at) {
        return at < line.size() && (static_cast<unsigned char>(line[at]) & 0xC0U) == 0x80;
    };
    std::size_t start = column > context + 1 ? column - 1 - context : 0;
    while (is_continuation(start)) {
        ++start;
    }
    std::size_t end = std::min(line.size(), column - 1 + context);
    while (is_continuation(end)) {
        --end;
    }
    const std::string_view cut = "...";
    const auto shown = line.substr(start, end - start);
    std::string caret(start > 0 ? cut.size() : 0, ' ');
    for (std::size_t at = start; at + 1 < column; ++at) {
        caret += line[at] == '\t' ? '\t' : ' ';
    }
    out << (start > 0 ? cut : "") << shown << (end < line.size() ? cut : "") << '\n'
        << caret << "^\n";
}

// Buffered, so that bytes of source lines and file names that are not UTF-8 can be replaced.
void write_text(std::ostream& valid_out, const Report& report) {
    std::ostringstream out;
    detail::SourceLines sources;
    for (const auto& note : report.notes) {
        if (note.location.file.empty()) {
            out << "devmem-scan: note: " << note.message << '\n';
        } else {
            out << where(note.location) << ": note: " << note.message << '\n';
        }
    }
    for (const auto& finding : report.findings) {
        out << where(finding.location) << ": " << to_string(finding.severity) << ": "
            << finding.message << " [" << finding.rule << "]\n";
        write_snippet(out, sources, finding.location);
        for (const auto& step : finding.trace) {
            out << where(step.location) << ": note: " << step.message << '\n';
        }
    }
    if (!report.findings.empty()) {
        out << report.findings.size() << (report.findings.size() == 1 ? " finding" : " findings")
            << " generated.\n";
    }
    valid_out << detail::to_valid_utf8(out.str());
}

nlohmann::json location_json(const SourceLocation& location) {
    return {{"file", location.file}, {"line", location.line}, {"column", location.column}};
}

nlohmann::json event_json(const RuntimeEvent& event) {
    nlohmann::json entry = {{"log", event.log},       {"line", event.line},
                            {"pid", event.pid},       {"exe", event.exe},
                            {"op", event.op},         {"path", event.path},
                            {"offset", event.offset}, {"length", event.length},
                            {"region", event.region}, {"result", event.result}};
    if (!event.range_class.empty()) {
        entry["class"] = event.range_class;
    }
    if (!event.detail.empty()) {
        entry["detail"] = event.detail;
    }
    return entry;
}

// With runtime logs: per finding the records it explains, and the records nothing explains.
void write_json(std::ostream& out, const Report& report, const RuntimeMerge& runtime) {
    auto findings = nlohmann::json::array();
    for (std::size_t index = 0; index < report.findings.size(); ++index) {
        const auto& finding = report.findings[index];
        auto trace = nlohmann::json::array();
        for (const auto& step : finding.trace) {
            auto note = location_json(step.location);
            note["message"] = step.message;
            trace.push_back(std::move(note));
        }
        findings.push_back({
            {"rule", finding.rule},
            {"category", finding.category},
            {"severity", to_string(finding.severity)},
            {"location", location_json(finding.location)},
            {"function", finding.function},
            {"message", finding.message},
            {"range", detail::range_json(finding)},
            {"servable", to_string(finding.servability)},
            {"replacement", finding.replacement},
            {"rewrite_rule", finding.rewrite_rule},
            {"confidence", to_string(finding.confidence)},
            {"trace", std::move(trace)},
        });
        if (!runtime.empty()) {
            auto seen = nlohmann::json::array();
            for (const auto& [event, match] : runtime.activity[index]) {
                auto entry = event_json(runtime.events[event]);
                entry["match"] = match == RuntimeMatch::matched ? "matched" : "possible";
                seen.push_back(std::move(entry));
            }
            findings.back()["runtime"] = std::move(seen);
        }
    }
    auto notes = nlohmann::json::array();
    for (const auto& note : report.notes) {
        auto entry = location_json(note.location);
        entry["message"] = note.message;
        notes.push_back(std::move(entry));
    }
    nlohmann::json document = {{"tool", "devmem-scan"},
                               {"version", DEVMEM_VERSION},
                               {"findings", std::move(findings)},
                               {"notes", std::move(notes)}};
    if (!runtime.empty()) {
        auto logs = nlohmann::json::array();
        for (const auto& log : runtime.logs) {
            logs.push_back(log.string());
        }
        auto unexplained = nlohmann::json::array();
        for (const auto event : runtime.unexplained) {
            unexplained.push_back(event_json(runtime.events[event]));
        }
        document["runtime"] = {{"logs", std::move(logs)},
                               {"records", runtime.events.size()},
                               {"unexplained", std::move(unexplained)},
                               {"firmware_table_reads", runtime.firmware_table_reads}};
    }
    out << detail::dump_json(document) << '\n';
}

// GitLab's Code Quality severities: info, minor, major, critical, blocker.
std::string_view gitlab_severity(Severity severity) {
    switch (severity) {
    case Severity::note:
        return "info";
    case Severity::warning:
        return "major";
    case Severity::error:
        return "critical";
    }
    return "major";
}

// GitLab Code Quality: a JSON array of issues with a path relative to the repository root.
void write_gitlab(std::ostream& out, const Report& report) {
    const auto fingerprints = fingerprint_findings(report.findings, report.root);
    auto issues = nlohmann::json::array();
    for (std::size_t i = 0; i < report.findings.size(); ++i) {
        const auto& finding = report.findings[i];
        issues.push_back({
            {"type", "issue"},
            {"description", fmt::format("{} [{}]", finding.message, finding.rule)},
            {"check_name", finding.rule},
            {"categories", {"Security"}},
            {"fingerprint", fingerprints[i]},
            {"severity", gitlab_severity(finding.severity)},
            {"location",
             {{"path", path_from_root(finding.location.file, report.root)},
              {"lines", {{"begin", std::max(finding.location.line, 1U)}}}}},
        });
    }
    out << detail::dump_json(issues) << '\n';
}

} // namespace

std::optional<OutputFormat> parse_output_format(std::string_view name) {
    if (name == "text") {
        return OutputFormat::text;
    }
    if (name == "json") {
        return OutputFormat::json;
    }
    if (name == "sarif") {
        return OutputFormat::sarif;
    }
    if (name == "gitlab") {
        return OutputFormat::gitlab;
    }
    if (name == "markdown") {
        return OutputFormat::markdown;
    }
    if (name == "html") {
        return OutputFormat::html;
    }
    return std::nullopt;
}

// Buffered like the text report, so that file names that are not UTF-8 can be replaced.
void write_summary(std::ostream& valid_out, const Report& report) {
    std::ostringstream out;
    constexpr std::size_t files_shown = 10;
    std::map<Severity, std::size_t> by_severity;
    std::map<std::string, std::size_t> by_rule;
    std::map<std::string, std::size_t> by_file;
    for (const auto& finding : report.findings) {
        ++by_severity[finding.severity];
        ++by_rule[finding.rule];
        ++by_file[path_from_root(finding.location.file, report.root)];
    }
    out << fmt::format("devmem-scan: {} findings in {} files ({} errors, {} warnings, {} notes)\n",
                       report.findings.size(), by_file.size(), by_severity[Severity::error],
                       by_severity[Severity::warning], by_severity[Severity::note]);
    for (const auto& rule : rule_catalogue()) {
        if (const auto it = by_rule.find(std::string(rule.id)); it != by_rule.end()) {
            out << fmt::format("  {} {:<24} {:>5}\n", rule.id, rule.name, it->second);
        }
    }
    std::vector<std::pair<std::string, std::size_t>> files(by_file.begin(), by_file.end());
    std::ranges::stable_sort(files,
                             [](const auto& a, const auto& b) { return a.second > b.second; });
    if (files.size() > files_shown) {
        out << fmt::format("most findings ({} of {} files):\n", files_shown, files.size());
        files.resize(files_shown);
    }
    for (const auto& [file, count] : files) {
        out << fmt::format("  {:<40} {:>5}\n", file, count);
    }
    std::map<NoteKind, std::size_t> notes;
    for (const auto& note : report.notes) {
        ++notes[note.kind];
    }
    if (!notes.empty()) {
        out << fmt::format("{} files not fully analysed, {} unused suppressions, {} stale baseline "
                           "entries\n",
                           notes[NoteKind::incomplete_analysis],
                           notes[NoteKind::unused_suppression], notes[NoteKind::stale_baseline]);
    }
    valid_out << detail::to_valid_utf8(out.str());
}

bool analysis_incomplete(const Report& report) {
    return std::ranges::any_of(report.notes, [](const RunNote& note) {
        return note.kind == NoteKind::incomplete_analysis;
    });
}

void write_report(std::ostream& out, const Report& report, OutputFormat format) {
    write_report(out, report, format, RuntimeMerge{});
}

void write_report(std::ostream& out, const Report& report, OutputFormat format,
                  const RuntimeMerge& runtime) {
    switch (format) {
    case OutputFormat::text:
        write_text(out, report);
        break;
    case OutputFormat::json:
        write_json(out, report, runtime);
        break;
    case OutputFormat::sarif:
        detail::write_sarif(out, report);
        break;
    case OutputFormat::gitlab:
        write_gitlab(out, report);
        break;
    case OutputFormat::markdown:
        detail::write_markdown(out, report, runtime);
        break;
    case OutputFormat::html:
        detail::write_html(out, report, runtime);
        break;
    }
}

} // namespace devmem::scan
