#include "devmem/scan/baseline.hpp"

#include "devmem/scan/fingerprint.hpp"
#include "devmem/scan/lint_config.hpp"
#include "json_fields.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

namespace devmem::scan {

namespace fs = std::filesystem;

namespace {

constexpr int baseline_version = 1;

} // namespace

void write_baseline(const fs::path& file, const Report& report) {
    const auto fingerprints = fingerprint_findings(report.findings, report.root);
    auto entries = nlohmann::json::array();
    for (std::size_t i = 0; i < report.findings.size(); ++i) {
        const auto& finding = report.findings[i];
        entries.push_back({{"fingerprint", fingerprints[i]},
                           {"rule", finding.rule},
                           {"file", path_from_root(finding.location.file, report.root)},
                           {"function", finding.function},
                           {"message", finding.message}});
    }
    std::ofstream out(file);
    out << detail::dump_json({{"version", baseline_version}, {"findings", std::move(entries)}})
        << '\n';
    if (!out) {
        throw ConfigError(fmt::format("{}: cannot write the baseline", file.string()));
    }
}

void apply_baseline(Report& report, const fs::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw ConfigError(fmt::format("{}: cannot read the baseline", file.string()));
    }
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& error) {
        throw ConfigError(fmt::format("{}: not JSON: {}", file.string(), error.what()));
    }
    if (!document.is_object() || document.value("version", 0) != baseline_version ||
        !document.contains("findings") || !document["findings"].is_array()) {
        throw ConfigError(
            fmt::format("{}: not a devmem-scan baseline (expected version {} and a findings array)",
                        file.string(), baseline_version));
    }
    // Each entry silences one finding, so two identical findings need two entries.
    std::multimap<std::string, const nlohmann::json*> unmatched;
    for (const auto& entry : document["findings"]) {
        if (!entry.is_object() || !entry.contains("fingerprint") ||
            !entry["fingerprint"].is_string()) {
            throw ConfigError(
                fmt::format("{}: a baseline entry has no fingerprint string", file.string()));
        }
        unmatched.emplace(entry["fingerprint"].get<std::string>(), &entry);
    }
    const auto fingerprints = fingerprint_findings(report.findings, report.root);
    std::vector<Finding> kept;
    for (std::size_t i = 0; i < report.findings.size(); ++i) {
        if (const auto it = unmatched.find(fingerprints[i]); it != unmatched.end()) {
            unmatched.erase(it);
            report.suppressed.push_back({std::move(report.findings[i]), false,
                                         "accepted in the baseline " + file.string()});
        } else {
            kept.push_back(std::move(report.findings[i]));
        }
    }
    report.findings = std::move(kept);
    for (const auto& [fingerprint, entry] : unmatched) {
        report.notes.push_back(
            {{file.string(), 0, 0},
             fmt::format("stale baseline entry {}: {} in {} ({}) is no longer found", fingerprint,
                         entry->value("rule", "?"), entry->value("file", "?"),
                         entry->value("function", "?")),
             NoteKind::stale_baseline});
    }
}

} // namespace devmem::scan
