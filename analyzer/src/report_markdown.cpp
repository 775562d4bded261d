#include "refactoring_report.hpp"

#include "devmem/scan/fingerprint.hpp"
#include "report_model.hpp"

#include <devmem/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace devmem::scan::detail {

namespace {

namespace fs = std::filesystem;

constexpr unsigned excerpt_context = 2;
constexpr std::size_t chart_width = 40;

// Text from the program (paths, messages, identifiers) as literal Markdown: every character
// that CommonMark or kramdown could read as markup is escaped, so a file named `*[x](y)*` or a
// message quoting `<script>` stays text.
std::string escaped(std::string_view text) {
    std::string out;
    for (const char c : printable_utf8(text)) {
        switch (c) {
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '<':
        case '>':
        case '|':
        case '{':
        case '}':
        case '$':
        case '!':
        case '#':
            out += '\\';
            out += c;
            break;
        case '&':
            out += "&amp;";
            break;
        case '~':
            out += "&#126;";
            break;
        case '\t':
            out += ' ';
            break;
        default:
            out += c;
        }
    }
    return out;
}

// Escaped text broken at spaces into lines of at most `line_width` columns where words allow, the
// first line after `lead` columns already used, the others indented by `indent`. A line must not
// begin with what Markdown reads as a list item, a heading underline or a definition.
std::string wrapped(const std::string& text, std::size_t lead, std::string_view indent) {
    constexpr std::size_t line_width = 100;
    std::string out;
    std::size_t column = lead;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find(' ', start);
        end = end == std::string::npos ? text.size() : end;
        auto word = text.substr(start, end - start);
        start = end + 1;
        if (word.empty()) {
            continue;
        }
        if (!out.empty()) {
            if (column + 1 + word.size() > line_width) {
                out += '\n';
                out += indent;
                column = indent.size();
                const auto digits = word.find_first_not_of("0123456789");
                if (word.find_first_of("-+=:") == 0) {
                    word.insert(0, 1, '\\');
                } else if (digits != 0 && digits != std::string::npos &&
                           (word[digits] == '.' || word[digits] == ')')) {
                    word.insert(digits, 1, '\\');
                }
            } else {
                out += ' ';
                ++column;
            }
        }
        out += word;
        column += word.size();
    }
    return out;
}

// A list item of program text.
void write_item(std::ostream& out, const std::string& text) {
    out << "- " << wrapped(escaped(text), 2, "  ") << '\n';
}

// A fence longer than any run of backticks in the block, as CommonMark requires.
std::string fence_for(const std::vector<std::string>& lines) {
    std::size_t longest = 0;
    for (const auto& line : lines) {
        std::size_t run = 0;
        for (const char c : line) {
            run = c == '`' ? run + 1 : 0;
            longest = std::max(longest, run);
        }
    }
    return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

// Trailing blanks are invisible in a code block and a linter complaint.
std::string without_trailing_blanks(std::string line) {
    line.erase(line.find_last_not_of(' ') + 1);
    return line;
}

void write_code_block(std::ostream& out, std::string_view language,
                      const std::vector<std::string>& lines) {
    const auto fence = fence_for(lines);
    out << fence << language << '\n';
    for (const auto& line : lines) {
        out << line << '\n';
    }
    out << fence << "\n\n";
}

std::string bar(std::size_t count, std::size_t largest) {
    const auto width = largest == 0 ? 0 : (count * chart_width + largest - 1) / largest;
    std::string bar;
    for (std::size_t i = 0; i < width; ++i) {
        bar += "\u2588";
    }
    return bar;
}

void write_chart(std::ostream& out, const ProgramFindings& program) {
    std::size_t largest = 0;
    for (const auto& [rule, count] : program.by_rule) {
        largest = std::max(largest, count);
    }
    for (const auto count : program.by_servability) {
        largest = std::max(largest, count);
    }
    std::vector<std::string> lines;
    for (const auto& [rule, count] : program.by_rule) {
        const auto* info = find_rule(rule);
        lines.push_back(fmt::format("{:<5} {:<24} {:>4} {}", rule, info ? info->name : "", count,
                                    bar(count, largest)));
    }
    for (const auto servability : all_servabilities) {
        const auto count = program.by_servability[static_cast<std::size_t>(servability)];
        lines.push_back(
            fmt::format("{:<30} {:>4} {}", to_string(servability), count, bar(count, largest)));
    }
    for (auto& line : lines) {
        line = without_trailing_blanks(std::move(line));
    }
    write_code_block(out, "text", lines);
}

void write_program_summary(std::ostream& out, const Report& report,
                           const ProgramFindings& program) {
    out << "## Program " << escaped(program.name) << " (" << program.findings.size()
        << (program.findings.size() == 1 ? " finding" : " findings") << ")\n\n"
        << findings_count_text(report, program.findings) << ".\n\n";
    out << "| rule | name | findings |\n| --- | --- | ---: |\n";
    for (const auto& [rule, count] : program.by_rule) {
        const auto* info = find_rule(rule);
        out << "| " << escaped(rule) << " | " << (info ? info->name : "") << " | " << count
            << " |\n";
    }
    out << "\n| servability | findings |\n| --- | ---: |\n";
    for (const auto servability : all_servabilities) {
        out << "| " << to_string(servability) << " | "
            << program.by_servability[static_cast<std::size_t>(servability)] << " |\n";
    }
    out << '\n';
    write_chart(out, program);
}

void write_excerpt(std::ostream& out, SourceLines& sources, const Finding& finding) {
    const auto excerpt = excerpt_around(sources, finding.location, excerpt_context);
    if (excerpt.empty()) {
        out << "The source is not readable here.\n\n";
        return;
    }
    std::vector<std::string> lines;
    lines.reserve(excerpt.size());
    for (const auto& [number, text] : excerpt) {
        lines.push_back(without_trailing_blanks(
            fmt::format("{} {:>5} | {}", number == finding.location.line ? '>' : ' ', number,
                        printable_utf8(expand_tabs(text)))));
    }
    out << "Code:\n\n";
    write_code_block(out, "text", lines);
}

void write_diff(std::ostream& out, const ProposedDiff& proposed) {
    if (!proposed.problem.empty()) {
        out << wrapped("Proposed diff: cannot be shown: " + escaped(proposed.problem), 0, "")
            << "\n\n";
        return;
    }
    if (proposed.diff.empty()) {
        out << "Proposed diff: none; no mechanical rewrite applies.\n\n";
        return;
    }
    std::vector<std::string> lines;
    for (const auto line : split_lines(proposed.diff)) {
        // The sign column stays; the text after it is shown as an editor shows it.
        const auto sign = line.substr(0, 1);
        lines.push_back(without_trailing_blanks(
            printable_utf8(std::string(sign) + expand_tabs(line.substr(sign.size())))));
    }
    out << "Proposed diff:\n\n";
    write_code_block(out, "diff", lines);
}

void write_runtime_activity(std::ostream& out, const RuntimeMerge& runtime,
                            const std::vector<FindingActivity>& activity) {
    if (activity.empty()) {
        out << "Runtime: not seen in the logs.\n\n";
        return;
    }
    out << "Runtime:\n\n";
    for (const auto& [event, match] : activity) {
        write_item(out,
                   fmt::format("{}: {}", match_text(match), event_text(runtime.events[event])));
    }
    out << '\n';
}

void write_finding(std::ostream& out, const Report& report, const RuntimeMerge& runtime,
                   SourceLines& sources, std::size_t index) {
    const auto& finding = report.findings[index];
    const auto* info = find_rule(finding.rule);
    const auto path = path_from_root(finding.location.file, report.root);
    // The heading names the file only: a heading cannot be wrapped, the paragraph can.
    out << "### Finding " << index + 1 << ": " << escaped(finding.rule) << " in "
        << escaped(fs::path(path).filename().string()) << " line " << finding.location.line
        << "\n\n";
    out << wrapped(escaped(fmt::format("{}:{}:{}: {}: {} ({} {}, {} confidence)", path,
                                       finding.location.line, finding.location.column,
                                       to_string(finding.severity), finding.message, finding.rule,
                                       info ? info->name : "", to_string(finding.confidence))),
                   0, "")
        << "\n\n";
    write_item(out, "function: " + (finding.function.empty() ? "-" : finding.function));
    write_item(out, "physical range: " + range_text(finding));
    write_item(out, fmt::format("the shim: {}", to_string(finding.servability)));
    out << '\n';
    write_excerpt(out, sources, finding);
    if (!finding.trace.empty()) {
        out << "Trace:\n\n";
        for (const auto& step : finding.trace) {
            write_item(out,
                       fmt::format("{}:{}:{}: {}", path_from_root(step.location.file, report.root),
                                   step.location.line, step.location.column, step.message));
        }
        out << '\n';
    }
    if (const auto why = rule_page_section(finding.rule, why_it_breaks_heading); !why.empty()) {
        out << "Why it breaks:\n\n" << why << "\n\n";
    }
    out << "Recipe:";
    if (finding.rewrite_rule.empty()) {
        out << " no rewrite rule applies.\n\n";
    } else {
        out << " rewrite rule " << escaped(finding.rewrite_rule) << " replaces the call with\n\n";
        std::vector<std::string> lines;
        auto replacement = std::string_view(finding.replacement);
        while (!replacement.empty()) {
            const auto end = replacement.find('\n');
            lines.push_back(
                without_trailing_blanks(printable_utf8(expand_tabs(replacement.substr(0, end)))));
            replacement = end == std::string_view::npos ? "" : replacement.substr(end + 1);
        }
        write_code_block(out, "c", lines);
    }
    if (const auto how = rule_page_section(finding.rule, how_to_migrate_heading); !how.empty()) {
        out << how << "\n\n";
    }
    write_diff(out, proposed_diff(finding, report.root));
    if (!runtime.empty()) {
        write_runtime_activity(out, runtime, runtime.activity[index]);
    }
}

void write_unexplained(std::ostream& out, const RuntimeMerge& runtime) {
    out << "## Runtime accesses no finding explains\n\n";
    if (runtime.unexplained.empty()) {
        out << "None: every access to a memory or port device in the logs fits a finding.\n";
        return;
    }
    for (const auto event : runtime.unexplained) {
        write_item(out, event_text(runtime.events[event]));
    }
}

void write_document(std::ostream& out, const Report& report, const RuntimeMerge& runtime) {
    const auto programs = group_by_program(report);
    std::vector<std::size_t> all(report.findings.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i] = i;
    }
    out << "# devmem-scan refactoring report\n\n";
    out << findings_count_text(report, all) << " in " << programs.size()
        << (programs.size() == 1 ? " program" : " programs") << ", by devmem-scan "
        << DEVMEM_VERSION << ".\n";
    if (!runtime.empty()) {
        const auto seen = std::ranges::count_if(
            runtime.activity, [](const auto& activity) { return !activity.empty(); });
        out << "Runtime logs: " << runtime.logs.size() << " with "
            << counted(runtime.events.size(), "record") << "; "
            << counted(static_cast<std::size_t>(seen), "finding") << " seen executing, "
            << counted(runtime.unexplained.size(), "access", "accesses") << " unexplained.\n";
    }
    out << '\n';
    for (const auto& note : report.notes) {
        write_item(out, note.location.file.empty()
                            ? "note: " + note.message
                            : fmt::format("note: {}: {}",
                                          path_from_root(note.location.file, report.root),
                                          note.message));
    }
    out << (report.notes.empty() ? "" : "\n");
    SourceLines sources;
    for (const auto& program : programs) {
        write_program_summary(out, report, program);
        for (const auto index : program.findings) {
            write_finding(out, report, runtime, sources, index);
        }
    }
    if (!runtime.empty()) {
        write_unexplained(out, runtime);
    }
}

} // namespace

// Built whole first: a linted Markdown file ends with exactly one newline, which the sections
// cannot know while they are written.
void write_markdown(std::ostream& out, const Report& report, const RuntimeMerge& runtime) {
    std::ostringstream document;
    write_document(document, report, runtime);
    auto text = std::move(document).str();
    text.erase(text.find_last_not_of('\n') + 1);
    out << text << '\n';
}

} // namespace devmem::scan::detail
