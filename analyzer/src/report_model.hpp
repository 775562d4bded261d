#pragma once

// What the Markdown and HTML refactoring reports share: findings grouped into programs, the
// counts their summaries chart, source excerpts and the rule pages' prose.

#include "devmem/scan/report.hpp"
#include "devmem/scan/runtime_log.hpp"
#include "source_lines.hpp"

#include <array>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace devmem::scan::detail {

// A program is the directory holding a finding's file, relative to the report's root ("." for
// the root itself); docs/reports.md says why.
std::string program_of(const std::string& file, const std::filesystem::path& root);

struct ProgramFindings {
    std::string name;
    std::vector<std::size_t> findings; // indexes into Report::findings, in report order
    std::map<std::string, std::size_t> by_rule;
    std::array<std::size_t, 3> by_servability{}; // indexed by Servability
};

// Programs in name order; only programs with findings.
std::vector<ProgramFindings> group_by_program(const Report& report);

inline constexpr std::array all_servabilities{Servability::served, Servability::zeros_only,
                                              Servability::not_servable};

struct ExcerptLine {
    unsigned number;
    std::string text;
};

// The finding's line with `context` lines either side, as far as the file has them; empty when
// the file cannot be read.
std::vector<ExcerptLine> excerpt_around(SourceLines& sources, const SourceLocation& location,
                                        unsigned context);

// The body of a `## heading` section of the rule's page under docs/rules/, trimmed; empty when
// the rule or the section does not exist.
std::string_view rule_page_section(std::string_view rule, std::string_view heading);

inline constexpr std::string_view why_it_breaks_heading = "Why it breaks under lockdown";
inline constexpr std::string_view how_to_migrate_heading = "How to migrate";

// Text made safe to embed in a UTF-8 document: bytes that are not valid UTF-8 and control
// characters other than tab become U+FFFD, so a Latin-1 comment or a hostile file name cannot
// break the document's encoding.
std::string printable_utf8(std::string_view text);

// "0xf0000-0xfffff (bios-area)", or "unknown" when the range is not a constant.
std::string range_text(const Finding& finding);

// Tabs expanded to the next multiple of 8 columns: excerpts line up the way an editor shows them.
std::string expand_tabs(std::string_view line);

// "1 finding", "2 findings"; `plural` when it is not the noun and an s.
std::string counted(std::size_t count, std::string_view noun, std::string_view plural = {});

// "12 findings (1 error, 10 warnings, 1 note)".
std::string findings_count_text(const Report& report, const std::vector<std::size_t>& findings);

// One runtime record in a line: "log:3: pid 42 /usr/sbin/dmidecode open /dev/mem at
// 0x0-0xfffff: served".
std::string event_text(const RuntimeEvent& event);

// A finding's proposed change as a unified diff from the report's root (empty when the finding has
// no edits), or why it cannot be rendered (a file gone or changed since the analysis).
struct ProposedDiff {
    std::string diff;
    std::string problem;
};
ProposedDiff proposed_diff(const Finding& finding, const std::filesystem::path& root);

// The lines of a text, without their line ends.
std::vector<std::string_view> split_lines(std::string_view text);

// "seen executing" / "possibly seen executing".
std::string_view match_text(RuntimeMatch match);

} // namespace devmem::scan::detail
