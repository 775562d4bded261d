#include "report_model.hpp"

#include "devmem/scan/fingerprint.hpp"
#include "devmem/scan/fixes.hpp"
#include "rule_docs.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace devmem::scan::detail {

namespace fs = std::filesystem;

std::string program_of(const std::string& file, const fs::path& root) {
    const auto directory = fs::path(path_from_root(file, root)).parent_path().generic_string();
    return directory.empty() ? "." : directory;
}

std::vector<ProgramFindings> group_by_program(const Report& report) {
    std::map<std::string, ProgramFindings> programs;
    for (std::size_t i = 0; i < report.findings.size(); ++i) {
        const auto& finding = report.findings[i];
        const auto name = program_of(finding.location.file, report.root);
        auto& program = programs[name];
        program.name = name;
        program.findings.push_back(i);
        ++program.by_rule[finding.rule];
        ++program.by_servability[static_cast<std::size_t>(finding.servability)];
    }
    std::vector<ProgramFindings> grouped;
    grouped.reserve(programs.size());
    for (auto& [name, program] : programs) {
        grouped.push_back(std::move(program));
    }
    return grouped;
}

std::vector<ExcerptLine> excerpt_around(SourceLines& sources, const SourceLocation& location,
                                        unsigned context) {
    const auto& lines = sources.lines_of(location.file);
    if (location.line == 0 || location.line > lines.size()) {
        return {};
    }
    const auto first = location.line > context ? location.line - context : 1U;
    const auto last = std::min<std::size_t>(location.line + context, lines.size());
    std::vector<ExcerptLine> excerpt;
    for (auto number = first; number <= last; ++number) {
        excerpt.push_back({number, lines[number - 1]});
    }
    return excerpt;
}

std::string_view rule_page_section(std::string_view rule, std::string_view heading) {
    const auto* page = find_rule_page(rule);
    if (page == nullptr) {
        return {};
    }
    const auto marker = fmt::format("\n## {}\n", heading);
    const auto start = page->markdown.find(marker);
    if (start == std::string_view::npos) {
        return {};
    }
    auto body = page->markdown.substr(start + marker.size());
    body = body.substr(0, body.find("\n## "));
    const auto first = body.find_first_not_of(" \n");
    const auto last = body.find_last_not_of(" \n");
    return first == std::string_view::npos ? std::string_view{}
                                           : body.substr(first, last - first + 1);
}

namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

bool continuation(unsigned char byte) {
    return (byte & 0xC0U) == 0x80U;
}

// The length of the valid UTF-8 sequence starting at `i`, or 0.
std::size_t sequence_length(std::string_view text, std::size_t i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const auto at = [&](std::size_t k) {
        return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0U;
    };
    if (byte < 0x80U) {
        return 1;
    }
    if (byte >= 0xC2U && byte <= 0xDFU) {
        return continuation(at(1)) ? 2 : 0;
    }
    if (byte >= 0xE0U && byte <= 0xEFU) {
        // No overlong forms (E0 80..9F) and no surrogates (ED A0..BF).
        const bool second_valid = (byte == 0xE0U   ? at(1) >= 0xA0U
                                   : byte == 0xEDU ? at(1) <= 0x9FU
                                                   : true) &&
                                  continuation(at(1));
        return second_valid && continuation(at(2)) ? 3 : 0;
    }
    if (byte >= 0xF0U && byte <= 0xF4U) {
        const bool second_valid = (byte == 0xF0U   ? at(1) >= 0x90U
                                   : byte == 0xF4U ? at(1) <= 0x8FU
                                                   : true) &&
                                  continuation(at(1));
        return second_valid && continuation(at(2)) && continuation(at(3)) ? 4 : 0;
    }
    return 0;
}

} // namespace

std::string printable_utf8(std::string_view text) {
    std::string printable;
    printable.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const auto length = sequence_length(text, i);
        if (length == 0 || (byte < 0x20U && byte != '\t') || byte == 0x7FU) {
            printable += replacement_character;
            ++i;
            continue;
        }
        printable.append(text.substr(i, length));
        i += length;
    }
    return printable;
}

std::string range_text(const Finding& finding) {
    if (!finding.range) {
        return "unknown";
    }
    return fmt::format("{:#x}-{:#x} ({})", finding.range->start, finding.range->end,
                       to_string(finding.range_class));
}

std::string expand_tabs(std::string_view line) {
    constexpr std::size_t tab_width = 8;
    std::string expanded;
    for (const char c : line) {
        if (c == '\t') {
            expanded.append(tab_width - expanded.size() % tab_width, ' ');
        } else {
            expanded += c;
        }
    }
    return expanded;
}

std::string counted(std::size_t count, std::string_view noun, std::string_view plural) {
    if (count == 1) {
        return fmt::format("1 {}", noun);
    }
    return plural.empty() ? fmt::format("{} {}s", count, noun)
                          : fmt::format("{} {}", count, plural);
}

std::string findings_count_text(const Report& report, const std::vector<std::size_t>& findings) {
    std::array<std::size_t, 3> by_severity{};
    for (const auto index : findings) {
        ++by_severity[static_cast<std::size_t>(report.findings[index].severity)];
    }
    return fmt::format("{} ({}, {}, {})", counted(findings.size(), "finding"),
                       counted(by_severity[static_cast<std::size_t>(Severity::error)], "error"),
                       counted(by_severity[static_cast<std::size_t>(Severity::warning)], "warning"),
                       counted(by_severity[static_cast<std::size_t>(Severity::note)], "note"));
}

std::string event_text(const RuntimeEvent& event) {
    return fmt::format("{}:{}: pid {} {} {} {} at {}: {}{}", event.log, event.line, event.pid,
                       event.exe, event.op, event.path, extent_text(event), event.result,
                       event.detail.empty() ? "" : fmt::format(" ({})", event.detail));
}

ProposedDiff proposed_diff(const Finding& finding, const fs::path& root) {
    if (finding.edits.empty()) {
        return {};
    }
    try {
        return {render_unified_diff(finding.edits, root), {}};
    } catch (const FixError& error) {
        return {{}, error.what()};
    }
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        lines.push_back(text.substr(0, end));
        text = end == std::string_view::npos ? "" : text.substr(end + 1);
    }
    return lines;
}

std::string_view match_text(RuntimeMatch match) {
    return match == RuntimeMatch::matched ? "seen executing" : "possibly seen executing";
}

} // namespace devmem::scan::detail
