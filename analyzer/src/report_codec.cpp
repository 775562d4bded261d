#include "report_codec.hpp"

namespace devmem::scan::detail {

namespace {

template <typename Enum> Enum enum_at(const nlohmann::json& json) {
    return static_cast<Enum>(json.get<int>());
}

nlohmann::json location_json(const SourceLocation& location) {
    return {location.file, location.line, location.column};
}

SourceLocation location_from(const nlohmann::json& json) {
    return {json.at(0).get<std::string>(), json.at(1).get<unsigned>(), json.at(2).get<unsigned>()};
}

nlohmann::json finding_json(const Finding& finding) {
    nlohmann::json trace = nlohmann::json::array();
    for (const auto& note : finding.trace) {
        trace.push_back({location_json(note.location), note.message});
    }
    nlohmann::json edits = nlohmann::json::array();
    for (const auto& edit : finding.edits) {
        edits.push_back(
            {edit.file, edit.offset, edit.length, edit.replacement, edit.analyzed_hash});
    }
    return {finding.rule,
            finding.category,
            static_cast<int>(finding.severity),
            location_json(finding.location),
            finding.function,
            finding.callee,
            finding.message,
            finding.range ? nlohmann::json{finding.range->start, finding.range->end}
                          : nlohmann::json(),
            static_cast<int>(finding.range_class),
            static_cast<int>(finding.servability),
            finding.replacement,
            finding.rewrite_rule,
            static_cast<int>(finding.confidence),
            std::move(trace),
            std::move(edits)};
}

Finding finding_from(const nlohmann::json& json) {
    Finding finding;
    json.at(0).get_to(finding.rule);
    json.at(1).get_to(finding.category);
    finding.severity = enum_at<Severity>(json.at(2));
    finding.location = location_from(json.at(3));
    json.at(4).get_to(finding.function);
    json.at(5).get_to(finding.callee);
    json.at(6).get_to(finding.message);
    if (const auto& range = json.at(7); !range.is_null()) {
        finding.range =
            PhysicalRange{range.at(0).get<std::uint64_t>(), range.at(1).get<std::uint64_t>()};
    }
    finding.range_class = enum_at<RangeClass>(json.at(8));
    finding.servability = enum_at<Servability>(json.at(9));
    json.at(10).get_to(finding.replacement);
    json.at(11).get_to(finding.rewrite_rule);
    finding.confidence = enum_at<Confidence>(json.at(12));
    for (const auto& note : json.at(13)) {
        finding.trace.push_back({location_from(note.at(0)), note.at(1).get<std::string>()});
    }
    for (const auto& edit : json.at(14)) {
        finding.edits.push_back({edit.at(0).get<std::string>(), edit.at(1).get<unsigned>(),
                                 edit.at(2).get<unsigned>(), edit.at(3).get<std::string>(),
                                 edit.at(4).get<std::string>()});
    }
    return finding;
}

} // namespace

nlohmann::json report_json(const Report& report) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& finding : report.findings) {
        findings.push_back(finding_json(finding));
    }
    nlohmann::json notes = nlohmann::json::array();
    for (const auto& note : report.notes) {
        notes.push_back({location_json(note.location), note.message, static_cast<int>(note.kind)});
    }
    return {{"findings", std::move(findings)},
            {"notes", std::move(notes)},
            {"files_with_markers", report.files_with_markers
                                       ? nlohmann::json(*report.files_with_markers)
                                       : nlohmann::json()}};
}

Report report_from(const nlohmann::json& json) {
    Report report;
    for (const auto& finding : json.at("findings")) {
        report.findings.push_back(finding_from(finding));
    }
    for (const auto& note : json.at("notes")) {
        report.notes.push_back({location_from(note.at(0)), note.at(1).get<std::string>(),
                                enum_at<NoteKind>(note.at(2))});
    }
    if (const auto& marked = json.at("files_with_markers"); !marked.is_null()) {
        report.files_with_markers = marked.get<std::vector<std::string>>();
    }
    return report;
}

} // namespace devmem::scan::detail
