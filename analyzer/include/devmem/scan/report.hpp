#pragma once

#include "devmem/scan/finding.hpp"

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace devmem::scan {

enum class OutputFormat { text, json, sarif, gitlab, markdown, html };

std::optional<OutputFormat> parse_output_format(std::string_view name);

// Why a note was written: the analysis could not see everything, or a suppression or baseline
// entry no longer matches anything (so it can be removed).
enum class NoteKind { incomplete_analysis, unused_suppression, stale_baseline };

// Something the user should know that is not a finding, such as a file that failed to parse.
struct RunNote {
    SourceLocation location; // empty file: not tied to a place
    std::string message;
    NoteKind kind = NoteKind::incomplete_analysis;
};

// A finding that a suppression silenced: reported only with --report-suppressed, as a SARIF
// result with `suppressions`, so that code scanning can show it as dismissed.
struct SuppressedFinding {
    Finding finding;
    // An inline comment; otherwise an entry of the overrides file or of the baseline.
    bool in_source = false;
    std::string justification;
};

struct Report {
    std::vector<Finding> findings;
    std::vector<SuppressedFinding> suppressed;
    std::vector<RunNote> notes;
    // SARIF's SRCROOT and the base of the paths in fingerprints and GitLab reports; empty: paths
    // are written as the analyzer found them.
    std::filesystem::path root;
    // The scanned files whose text mentions "devmem-scan:", the only ones that can hold inline
    // suppressions, as the analysis read them; nullopt: not known, every scanned file is searched.
    std::optional<std::vector<std::string>> files_with_markers;
};

// True when a note says part of the program was not analysed (a file failed to parse).
bool analysis_incomplete(const Report& report);

// A one-screen digest for CI logs: counts by severity, by rule and for the files with the most
// findings, and how many notes of each kind.
void write_summary(std::ostream& out, const Report& report);

struct RuntimeMerge;

// Text is clang's diagnostic style, with the source line and a caret under the column. Markdown
// and HTML are the refactoring reports of docs/reports.md.
void write_report(std::ostream& out, const Report& report, OutputFormat format);
// The same, with the shim's audit logs merged in (the refactoring reports show them).
void write_report(std::ostream& out, const Report& report, OutputFormat format,
                  const RuntimeMerge& runtime);

} // namespace devmem::scan
