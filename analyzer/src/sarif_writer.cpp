#include "sarif_writer.hpp"

#include "devmem/scan/fingerprint.hpp"
#include "json_fields.hpp"
#include "rule_docs.hpp"
#include "utf8.hpp"

#include <devmem/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace devmem::scan::detail {

namespace {

using nlohmann::json;

constexpr const char* source_root = "SRCROOT";

std::string_view sarif_level(Severity severity) {
    return severity == Severity::note ? "note" : to_string(severity);
}

// GitHub code scanning ranks security results by this score: >= 7 high, >= 4 medium, else low.
std::string_view security_severity(Severity severity) {
    switch (severity) {
    case Severity::error:
        return "7.0";
    case Severity::warning:
        return "5.0";
    case Severity::note:
        return "2.0";
    }
    return "5.0";
}

// The paragraphs under "## What it flags" of a rule page: the rule's description.
std::string what_it_flags(std::string_view markdown) {
    constexpr std::string_view heading = "## What it flags\n";
    const auto start = markdown.find(heading);
    if (start == std::string_view::npos) {
        return {};
    }
    auto section = markdown.substr(start + heading.size());
    section = section.substr(0, section.find("\n## "));
    std::string text;
    bool blank = true;
    for (const char c : section) {
        const bool space = c == '\n' || c == ' ';
        if (space && blank) {
            continue;
        }
        text += space ? ' ' : c;
        blank = space;
    }
    while (!text.empty() && text.back() == ' ') {
        text.pop_back();
    }
    return text;
}

std::string first_sentence(const std::string& text) {
    const auto end = text.find(". ");
    return end == std::string::npos ? text : text.substr(0, end + 1);
}

json rule_json(const RuleInfo& rule) {
    const auto* page = find_rule_page(rule.id);
    const std::string markdown = page != nullptr ? std::string(page->markdown) : "";
    const auto description = what_it_flags(markdown);
    auto tags = json::array({"security", "lockdown"});
    if (!rule.category.empty()) {
        tags.push_back(rule.category);
    }
    json entry = {
        {"id", rule.id},
        {"name", rule.name},
        {"shortDescription", {{"text", first_sentence(description)}}},
        {"fullDescription", {{"text", description}}},
        {"defaultConfiguration", {{"level", sarif_level(rule.severity)}}},
        {"properties",
         {{"category", rule.category},
          {"tags", std::move(tags)},
          {"security-severity", security_severity(rule.severity)}}},
    };
    if (page != nullptr) {
        entry["help"] = {{"text", markdown}, {"markdown", markdown}};
        entry["helpUri"] =
            fmt::format("{}/blob/main/docs/rules/{}", DEVMEM_SCAN_HOMEPAGE, page->file_name);
    }
    return entry;
}

json physical_location(const SourceLocation& location, const std::filesystem::path& root) {
    const auto path = path_from_root(location.file, root);
    const auto uri = percent_encode_path(path);
    json artifact;
    if (!root.empty() && !path.starts_with('/')) {
        artifact = {{"uri", uri}, {"uriBaseId", source_root}};
    } else {
        artifact = {{"uri", path.starts_with('/') ? "file://" + uri : uri}};
    }
    json physical = {{"artifactLocation", std::move(artifact)}};
    if (location.line != 0) {
        physical["region"] = {{"startLine", location.line}};
        if (location.column != 0) {
            physical["region"]["startColumn"] = location.column;
        }
    }
    return {{"physicalLocation", std::move(physical)}};
}

// Trace steps elsewhere than the finding: where the path came from, which wrapper carried it.
// Steps at the finding itself (such as rewrite advice) are no part of the flow.
bool has_remote_steps(const Finding& finding) {
    return std::ranges::any_of(
        finding.trace, [&](const TraceNote& step) { return step.location != finding.location; });
}

// The trace read in order, ending at the finding: how the device path reached the call.
json code_flow(const Finding& finding, const std::filesystem::path& root) {
    auto steps = json::array();
    for (const auto& step : finding.trace) {
        if (step.location == finding.location) {
            continue;
        }
        auto location = physical_location(step.location, root);
        location["message"] = {{"text", step.message}};
        steps.push_back({{"location", std::move(location)}});
    }
    auto last = physical_location(finding.location, root);
    last["message"] = {{"text", finding.message}};
    steps.push_back({{"location", std::move(last)}});
    return {{"threadFlows", {{{"locations", std::move(steps)}}}}};
}

json result_json(const Finding& finding, const std::string& fingerprint,
                 const std::filesystem::path& root) {
    auto related = json::array();
    int id = 1;
    for (const auto& step : finding.trace) {
        auto location = physical_location(step.location, root);
        location["id"] = id++;
        location["message"] = {{"text", step.message}};
        related.push_back(std::move(location));
    }
    auto location = physical_location(finding.location, root);
    location["logicalLocations"] = {{{"name", finding.function},
                                     {"fullyQualifiedName", finding.function},
                                     {"kind", "function"}}};
    int rule_index = 0;
    for (const auto& rule : rule_catalogue()) {
        if (rule.id == finding.rule) {
            break;
        }
        ++rule_index;
    }
    json result = {
        {"ruleId", finding.rule},
        {"ruleIndex", rule_index},
        {"level", sarif_level(finding.severity)},
        {"message", {{"text", finding.message}}},
        {"locations", {std::move(location)}},
        {"relatedLocations", std::move(related)},
        {"partialFingerprints", {{fingerprint_scheme, fingerprint}}},
        {"properties",
         {{"category", finding.category},
          {"range", range_json(finding)},
          {"servable", to_string(finding.servability)},
          {"replacement", finding.replacement},
          {"rewriteRule", finding.rewrite_rule},
          {"confidence", to_string(finding.confidence)}}},
    };
    if (has_remote_steps(finding)) {
        result["codeFlows"] = {code_flow(finding, root)};
    }
    return result;
}

std::string_view notification_id(NoteKind kind) {
    switch (kind) {
    case NoteKind::incomplete_analysis:
        return "devmem-scan/incomplete-analysis";
    case NoteKind::unused_suppression:
        return "devmem-scan/unused-suppression";
    case NoteKind::stale_baseline:
        return "devmem-scan/stale-baseline";
    }
    return "devmem-scan/note";
}

json invocation_json(const Report& report) {
    auto execution = json::array();
    auto configuration = json::array();
    for (const auto& note : report.notes) {
        json notification = {
            {"descriptor", {{"id", notification_id(note.kind)}}},
            {"level", note.kind == NoteKind::incomplete_analysis ? "warning" : "note"},
            {"message", {{"text", note.message}}},
        };
        if (!note.location.file.empty()) {
            notification["locations"] = {physical_location(note.location, report.root)};
        }
        (note.kind == NoteKind::incomplete_analysis ? execution : configuration)
            .push_back(std::move(notification));
    }
    return {{"executionSuccessful", !analysis_incomplete(report)},
            {"toolExecutionNotifications", std::move(execution)},
            {"toolConfigurationNotifications", std::move(configuration)}};
}

} // namespace

void write_sarif(std::ostream& out, const Report& report) {
    auto rules = json::array();
    for (const auto& rule : rule_catalogue()) {
        rules.push_back(rule_json(rule));
    }
    const auto fingerprints = fingerprint_findings(report.findings, report.root);
    auto results = json::array();
    for (std::size_t i = 0; i < report.findings.size(); ++i) {
        results.push_back(result_json(report.findings[i], fingerprints[i], report.root));
    }
    std::vector<Finding> suppressed;
    suppressed.reserve(report.suppressed.size());
    for (const auto& entry : report.suppressed) {
        suppressed.push_back(entry.finding);
    }
    const auto suppressed_fingerprints = fingerprint_findings(suppressed, report.root);
    for (std::size_t i = 0; i < suppressed.size(); ++i) {
        const auto& entry = report.suppressed[i];
        auto result = result_json(suppressed[i], suppressed_fingerprints[i], report.root);
        json suppression = {{"kind", entry.in_source ? "inSource" : "external"},
                            {"status", "accepted"}};
        if (!entry.justification.empty()) {
            suppression["justification"] = entry.justification;
        }
        result["suppressions"] = json::array({std::move(suppression)});
        results.push_back(std::move(result));
    }
    json run = {{"tool",
                 {{"driver",
                   {{"name", "devmem-scan"},
                    {"version", DEVMEM_VERSION},
                    {"semanticVersion", DEVMEM_VERSION},
                    {"informationUri", DEVMEM_SCAN_HOMEPAGE},
                    {"rules", std::move(rules)}}}}},
                {"invocations", {invocation_json(report)}},
                {"results", std::move(results)}};
    if (!report.root.empty()) {
        // A directory URI ends in '/', or consumers resolve relative URIs against its parent.
        auto root = report.root.generic_string();
        if (!root.ends_with('/')) {
            root += '/';
        }
        run["originalUriBaseIds"] = {
            {source_root, {{"uri", "file://" + percent_encode_path(root)}}}};
    }
    const json document = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                           {"version", "2.1.0"},
                           {"runs", {std::move(run)}}};
    out << dump_json(document) << '\n';
}

} // namespace devmem::scan::detail
