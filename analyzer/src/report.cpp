#include "devmem/scan/report.hpp"

#include <devmem/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

namespace devmem::scan {

namespace {

std::string hex(std::uint64_t value) {
    return fmt::format("{:#x}", value);
}

// Reads each file once, however many findings point into it.
class SourceLines {
public:
    std::string line(const std::string& file, unsigned number) {
        auto [it, fresh] = files_.try_emplace(file);
        if (fresh) {
            std::ifstream in(file);
            for (std::string text; std::getline(in, text);) {
                it->second.push_back(text);
            }
        }
        return number >= 1 && number <= it->second.size() ? it->second[number - 1] : "";
    }

private:
    std::map<std::string, std::vector<std::string>> files_;
};

// A note about a whole file has no line.
std::string where(const SourceLocation& location) {
    if (location.line == 0) {
        return location.file;
    }
    return fmt::format("{}:{}:{}", location.file, location.line, location.column);
}

void write_snippet(std::ostream& out, SourceLines& sources, const SourceLocation& location) {
    const auto text = sources.line(location.file, location.line);
    if (text.empty()) {
        return;
    }
    std::string caret;
    for (unsigned i = 1; i < location.column && i <= text.size(); ++i) {
        caret += text[i - 1] == '\t' ? '\t' : ' ';
    }
    out << text << '\n' << caret << "^\n";
}

void write_text(std::ostream& out, const Report& report) {
    SourceLines sources;
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
}

nlohmann::json location_json(const SourceLocation& location) {
    return {{"file", location.file}, {"line", location.line}, {"column", location.column}};
}

nlohmann::json range_json(const Finding& finding) {
    nlohmann::json range = {{"class", to_string(finding.range_class)}};
    range["start"] = finding.range ? nlohmann::json(hex(finding.range->start)) : nullptr;
    range["end"] = finding.range ? nlohmann::json(hex(finding.range->end)) : nullptr;
    return range;
}

void write_json(std::ostream& out, const Report& report) {
    auto findings = nlohmann::json::array();
    for (const auto& finding : report.findings) {
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
            {"range", range_json(finding)},
            {"servable", to_string(finding.servability)},
            {"replacement", finding.replacement},
            {"rewrite_rule", finding.rewrite_rule},
            {"confidence", to_string(finding.confidence)},
            {"trace", std::move(trace)},
        });
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
    out << document.dump(2) << '\n';
}

nlohmann::json sarif_location(const SourceLocation& location) {
    const auto uri = location.file.starts_with('/') ? "file://" + location.file : location.file;
    return {{"physicalLocation",
             {{"artifactLocation", {{"uri", uri}}},
              {"region", {{"startLine", location.line}, {"startColumn", location.column}}}}}};
}

std::string_view sarif_level(Severity severity) {
    return severity == Severity::note ? "note" : to_string(severity);
}

void write_sarif(std::ostream& out, const Report& report) {
    auto rules = nlohmann::json::array();
    for (const auto& rule : rule_catalogue()) {
        rules.push_back({{"id", rule.id},
                         {"name", rule.name},
                         {"defaultConfiguration", {{"level", sarif_level(rule.severity)}}},
                         {"properties", {{"category", rule.category}}}});
    }
    auto results = nlohmann::json::array();
    for (const auto& finding : report.findings) {
        auto related = nlohmann::json::array();
        for (const auto& step : finding.trace) {
            auto location = sarif_location(step.location);
            location["message"] = {{"text", step.message}};
            related.push_back(std::move(location));
        }
        auto location = sarif_location(finding.location);
        location["logicalLocations"] = {{{"name", finding.function}, {"kind", "function"}}};
        results.push_back({
            {"ruleId", finding.rule},
            {"level", sarif_level(finding.severity)},
            {"message", {{"text", finding.message}}},
            {"locations", {std::move(location)}},
            {"relatedLocations", std::move(related)},
            {"properties",
             {{"category", finding.category},
              {"range", range_json(finding)},
              {"servable", to_string(finding.servability)},
              {"replacement", finding.replacement},
              {"rewriteRule", finding.rewrite_rule},
              {"confidence", to_string(finding.confidence)}}},
        });
    }
    nlohmann::json document = {
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs",
         {{{"tool",
            {{"driver", {{"name", "devmem-scan"}, {"version", DEVMEM_VERSION}, {"rules", rules}}}}},
           {"results", std::move(results)}}}}};
    out << document.dump(2) << '\n';
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
    return std::nullopt;
}

void write_report(std::ostream& out, const Report& report, OutputFormat format) {
    switch (format) {
    case OutputFormat::text:
        write_text(out, report);
        break;
    case OutputFormat::json:
        write_json(out, report);
        break;
    case OutputFormat::sarif:
        write_sarif(out, report);
        break;
    }
}

} // namespace devmem::scan
