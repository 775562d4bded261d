#include "refactoring_report.hpp"

#include "devmem/scan/fingerprint.hpp"
#include "report_model.hpp"

#include <devmem/version.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace devmem::scan::detail {

namespace {

constexpr unsigned excerpt_context = 2;

// The severity markers and the end marker have colours of their own, used nowhere else on the
// page: the browser test counts them in a screenshot (tests/report/check_html_report.py).
constexpr std::string_view style = R"css(
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #1f2937; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 24px 0 6px; border-bottom: 2px solid #d1d5db; }
h3 { font-size: 14px; margin: 0 0 2px; }
p, ul { margin: 2px 0; }
code, pre { font: 12px/1.35 monospace; }
pre { background: #f3f4f6; padding: 4px 6px; margin: 4px 0; overflow-x: auto; }
.flagged { background: #fef3c7; display: inline-block; min-width: 100%; }
.marker { display: inline-block; width: 12px; height: 12px; margin-right: 6px;
          vertical-align: -1px; }
.marker.error { background: #b91c1c; }
.marker.warning { background: #b45309; }
.marker.note { background: #1d4ed8; }
.end-marker { display: inline-block; width: 12px; height: 12px; background: #7c3aed; }
.summary { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
table { border-collapse: collapse; }
td, th { border: 1px solid #d1d5db; padding: 1px 6px; text-align: left; }
td.count { text-align: right; }
.findings { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr));
            gap: 8px; margin-top: 8px; }
.finding { border: 1px solid #d1d5db; padding: 6px 8px; min-width: 0; }
.where { font-weight: normal; color: #374151; }
.facts { color: #4b5563; font-size: 12px; }
details { margin: 2px 0; }
summary { cursor: pointer; color: #1f2937; }
.runtime { font-size: 12px; }
.diff .added { background: #dcfce7; }
.diff .removed { background: #fee2e2; }
.diff .hunk { color: #6b21a8; }
.unexplained li { font: 12px/1.35 monospace; }
)css";

// Text from the program as HTML text or attribute value.
std::string escaped(std::string_view text) {
    std::string out;
    for (const char c : printable_utf8(text)) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// The rule pages' inline Markdown: `code` spans, the rest as text.
// A link of a rule page as its text: its target is relative to docs/rules/, which the report's
// reader does not have beside it, and the report links nowhere outside itself.
std::string link_text_only(std::string_view text) {
    std::string out;
    while (!text.empty()) {
        const auto open = text.find('[');
        const auto middle = text.find("](", open);
        const auto close = text.find(')', middle);
        if (open == std::string_view::npos || middle == std::string_view::npos ||
            close == std::string_view::npos) {
            break;
        }
        out.append(text.substr(0, open));
        out.append(text.substr(open + 1, middle - open - 1));
        text = text.substr(close + 1);
    }
    out.append(text);
    return out;
}

std::string inline_markdown(std::string_view text) {
    std::string out;
    bool in_code = false;
    for (std::size_t start = 0; start <= text.size();) {
        const auto tick = std::min(text.find('`', start), text.size());
        const auto piece = text.substr(start, tick - start);
        out += in_code ? fmt::format("<code>{}</code>", escaped(piece))
                       : escaped(link_text_only(piece));
        in_code = !in_code;
        start = tick + 1;
    }
    return out;
}

// The prose of a rule page section: paragraphs, `- ` lists and pipe tables, which is all those
// pages use outside their examples.
void write_prose(std::ostream& out, std::string_view markdown) {
    std::vector<std::string_view> block;
    const auto flush = [&] {
        if (block.empty()) {
            return;
        }
        if (block.front().starts_with('|')) {
            out << "<table>";
            for (const auto row : block) {
                if (row.find("---") != std::string_view::npos) {
                    continue;
                }
                out << "<tr>";
                auto cells = row.substr(1);
                while (!cells.empty()) {
                    const auto bar = cells.find('|');
                    const auto cell = cells.substr(0, bar);
                    const auto first = cell.find_first_not_of(' ');
                    const auto last = cell.find_last_not_of(' ');
                    out << "<td>"
                        << inline_markdown(first == std::string_view::npos
                                               ? std::string_view{}
                                               : cell.substr(first, last - first + 1))
                        << "</td>";
                    cells = bar == std::string_view::npos ? "" : cells.substr(bar + 1);
                }
                out << "</tr>";
            }
            out << "</table>\n";
        } else if (block.front().starts_with("- ")) {
            out << "<ul>";
            for (const auto item : block) {
                out << "<li>" << inline_markdown(item.substr(item.starts_with("- ") ? 2 : 0))
                    << "</li>";
            }
            out << "</ul>\n";
        } else {
            std::string paragraph;
            for (const auto line : block) {
                paragraph += paragraph.empty() ? "" : " ";
                paragraph += line;
            }
            out << "<p>" << inline_markdown(paragraph) << "</p>\n";
        }
        block.clear();
    };
    for (const auto line : split_lines(markdown)) {
        if (line.empty()) {
            flush();
        } else {
            block.push_back(line);
        }
    }
    flush();
}

std::string location_text(const Report& report, const SourceLocation& location) {
    return fmt::format("{}:{}:{}", path_from_root(location.file, report.root), location.line,
                       location.column);
}

// Horizontal bars: findings by rule, then by what the shim can do for them.
void write_chart(std::ostream& out, const ProgramFindings& program) {
    constexpr int row_height = 18;
    constexpr int label_width = 210;
    constexpr int bar_width = 260;
    struct Row {
        std::string label;
        std::size_t count;
        std::string_view colour;
    };
    std::vector<Row> rows;
    for (const auto& [rule, count] : program.by_rule) {
        const auto* info = find_rule(rule);
        rows.push_back({fmt::format("{} {}", rule, info ? info->name : ""), count, "#0e7490"});
    }
    constexpr std::array<std::string_view, 3> servability_colours{"#15803d", "#ca8a04", "#6b7280"};
    for (const auto servability : all_servabilities) {
        const auto slot = static_cast<std::size_t>(servability);
        rows.push_back({std::string(to_string(servability)), program.by_servability[slot],
                        servability_colours[slot]});
    }
    const auto largest = std::ranges::max(rows, {}, [](const Row& row) { return row.count; }).count;
    const auto height = static_cast<int>(rows.size()) * row_height + 4;
    const auto width = label_width + bar_width + 40;
    out << fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{0}\" "
                       "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-size=\"12\" "
                       "font-family=\"sans-serif\"><title>findings by rule and by "
                       "servability</title>",
                       width, height);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto y = static_cast<int>(i) * row_height + 2;
        const auto length =
            largest == 0 ? 0 : static_cast<int>(rows[i].count * bar_width / largest);
        out << fmt::format("<text x=\"0\" y=\"{}\">{}</text>"
                           "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>"
                           "<text x=\"{}\" y=\"{}\">{}</text>",
                           y + 12, escaped(rows[i].label), label_width, y + 2, length,
                           row_height - 6, rows[i].colour, label_width + length + 4, y + 12,
                           rows[i].count);
    }
    out << "</svg>\n";
}

void write_program_summary(std::ostream& out, const Report& report, const ProgramFindings& program,
                           std::size_t number) {
    out << "<section class=\"program\" id=\"program-" << number << "\">\n<h2>Program "
        << escaped(program.name) << "</h2>\n<p>" << findings_count_text(report, program.findings)
        << "</p>\n<div class=\"summary\"><table><tr><th>rule</th><th>name</th><th>findings</th>"
           "</tr>";
    for (const auto& [rule, count] : program.by_rule) {
        const auto* info = find_rule(rule);
        out << "<tr><td>" << escaped(rule) << "</td><td>" << (info ? info->name : "")
            << "</td><td class=\"count\">" << count << "</td></tr>";
    }
    out << "</table><table><tr><th>servability</th><th>findings</th></tr>";
    for (const auto servability : all_servabilities) {
        out << "<tr><td>" << to_string(servability) << "</td><td class=\"count\">"
            << program.by_servability[static_cast<std::size_t>(servability)] << "</td></tr>";
    }
    out << "</table>\n";
    write_chart(out, program);
    out << "</div>\n";
}

void write_excerpt(std::ostream& out, SourceLines& sources, const Finding& finding) {
    const auto excerpt = excerpt_around(sources, finding.location, excerpt_context);
    if (excerpt.empty()) {
        out << "<p class=\"facts\">The source is not readable here.</p>\n";
        return;
    }
    out << "<pre class=\"excerpt\">";
    for (const auto& [number, text] : excerpt) {
        const auto line = fmt::format("{:>5}  {}", number, escaped(expand_tabs(text)));
        if (number == finding.location.line) {
            out << "<span class=\"flagged\">" << line << "</span>\n";
        } else {
            out << line << '\n';
        }
    }
    out << "</pre>\n";
}

void write_diff(std::ostream& out, const ProposedDiff& proposed) {
    if (!proposed.problem.empty()) {
        out << "<p class=\"facts\">Proposed diff: cannot be shown: " << escaped(proposed.problem)
            << "</p>\n";
        return;
    }
    if (proposed.diff.empty()) {
        out << "<p class=\"facts\">Proposed diff: none; no mechanical rewrite applies.</p>\n";
        return;
    }
    const auto lines = split_lines(proposed.diff);
    const auto count = [&](char sign, std::string_view header) {
        return std::ranges::count_if(lines, [&](std::string_view line) {
            return line.starts_with(sign) && !line.starts_with(header);
        });
    };
    out << "<details><summary>Proposed diff (+" << count('+', "+++") << " -" << count('-', "---")
        << ")</summary><pre class=\"diff\">";
    for (const auto line : lines) {
        const auto kind = line.starts_with("+++") || line.starts_with("---") ? ""
                          : line.starts_with('+')                            ? "added"
                          : line.starts_with('-')                            ? "removed"
                          : line.starts_with("@@")                           ? "hunk"
                                                                             : "";
        if (*kind == '\0') {
            out << escaped(line) << '\n';
        } else {
            out << "<span class=\"" << kind << "\">" << escaped(line) << "</span>\n";
        }
    }
    out << "</pre></details>\n";
}

void write_runtime_activity(std::ostream& out, const RuntimeMerge& runtime,
                            const std::vector<FindingActivity>& activity) {
    if (activity.empty()) {
        out << "<p class=\"runtime\">Runtime: not seen in the logs.</p>\n";
        return;
    }
    const bool matched = std::ranges::any_of(activity, [](const FindingActivity& entry) {
        return entry.match == RuntimeMatch::matched;
    });
    out << "<details class=\"runtime\"><summary>Runtime: "
        << match_text(matched ? RuntimeMatch::matched : RuntimeMatch::possible) << " ("
        << activity.size() << (activity.size() == 1 ? " record" : " records") << ")</summary><ul>";
    for (const auto& [event, match] : activity) {
        out << "<li>" << match_text(match) << ": " << escaped(event_text(runtime.events[event]))
            << "</li>";
    }
    out << "</ul></details>\n";
}

void write_finding(std::ostream& out, const Report& report, const RuntimeMerge& runtime,
                   SourceLines& sources, std::size_t index) {
    const auto& finding = report.findings[index];
    const auto* info = find_rule(finding.rule);
    const auto severity = to_string(finding.severity);
    const auto path = path_from_root(finding.location.file, report.root);
    out << fmt::format("<article class=\"finding\" id=\"finding-{}\" data-rule=\"{}\" "
                       "data-severity=\"{}\" data-location=\"{}:{}\">\n",
                       index + 1, escaped(finding.rule), severity, escaped(path),
                       finding.location.line);
    out << fmt::format("<h3><span class=\"marker {0}\" title=\"{0}\"></span>{1} {2} "
                       "<span class=\"where\">{3}</span></h3>\n",
                       severity, escaped(finding.rule), info ? info->name : "",
                       escaped(location_text(report, finding.location)));
    out << "<p><b>" << severity << "</b>: " << escaped(finding.message) << "</p>\n";
    out << "<p class=\"facts\">function <code>"
        << escaped(finding.function.empty() ? "-" : finding.function) << "</code> · range "
        << escaped(range_text(finding)) << " · shim: " << to_string(finding.servability)
        << " · confidence " << to_string(finding.confidence) << "</p>\n";
    write_excerpt(out, sources, finding);
    if (!finding.trace.empty()) {
        out << "<details><summary>Trace (" << finding.trace.size()
            << (finding.trace.size() == 1 ? " step" : " steps") << ")</summary><ul>";
        for (const auto& step : finding.trace) {
            out << "<li><code>" << escaped(location_text(report, step.location)) << "</code> "
                << escaped(step.message) << "</li>";
        }
        out << "</ul></details>\n";
    }
    if (const auto why = rule_page_section(finding.rule, why_it_breaks_heading); !why.empty()) {
        out << "<details><summary>Why it breaks</summary>\n";
        write_prose(out, why);
        out << "</details>\n";
    }
    out << "<details><summary>Recipe: "
        << (finding.rewrite_rule.empty() ? std::string("no rewrite rule applies")
                                         : "rewrite rule " + escaped(finding.rewrite_rule))
        << "</summary>\n";
    if (!finding.replacement.empty()) {
        out << "<pre class=\"replacement\">" << escaped(finding.replacement) << "</pre>\n";
    }
    write_prose(out, rule_page_section(finding.rule, how_to_migrate_heading));
    out << "</details>\n";
    write_diff(out, proposed_diff(finding, report.root));
    if (!runtime.empty()) {
        write_runtime_activity(out, runtime, runtime.activity[index]);
    }
    out << "</article>\n";
}

void write_unexplained(std::ostream& out, const RuntimeMerge& runtime) {
    out << "<section id=\"unexplained\"><h2>Runtime accesses no finding explains</h2>\n";
    if (runtime.unexplained.empty()) {
        out << "<p>None: every access to a memory or port device in the logs fits a "
               "finding.</p>\n";
    } else {
        out << "<ul class=\"unexplained\">";
        for (const auto event : runtime.unexplained) {
            out << "<li>" << escaped(event_text(runtime.events[event])) << "</li>";
        }
        out << "</ul>\n";
    }
    out << "</section>\n";
}

} // namespace

void write_html(std::ostream& out, const Report& report, const RuntimeMerge& runtime) {
    const auto programs = group_by_program(report);
    std::vector<std::size_t> all(report.findings.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i] = i;
    }
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>devmem-scan refactoring report</title>\n<style>"
        << style << "</style>\n</head>\n<body>\n<header>\n<h1>devmem-scan refactoring report</h1>\n"
        << "<p id=\"totals\">" << findings_count_text(report, all) << " in " << programs.size()
        << (programs.size() == 1 ? " program" : " programs") << ", by devmem-scan "
        << DEVMEM_VERSION << ".</p>\n";
    if (!runtime.empty()) {
        const auto seen = std::ranges::count_if(
            runtime.activity, [](const auto& activity) { return !activity.empty(); });
        out << "<p>Runtime logs: " << runtime.logs.size() << " with "
            << counted(runtime.events.size(), "record") << "; "
            << counted(static_cast<std::size_t>(seen), "finding") << " seen executing, "
            << "<a href=\"#unexplained\">"
            << counted(runtime.unexplained.size(), "access", "accesses")
            << " unexplained</a>.</p>\n";
    }
    if (!report.notes.empty()) {
        out << "<ul class=\"notes\">";
        for (const auto& note : report.notes) {
            out << "<li>note: "
                << escaped(note.location.file.empty()
                               ? note.message
                               : fmt::format("{}: {}",
                                             path_from_root(note.location.file, report.root),
                                             note.message))
                << "</li>";
        }
        out << "</ul>\n";
    }
    out << "<nav><p>Programs:";
    for (std::size_t i = 0; i < programs.size(); ++i) {
        out << (i == 0 ? " " : ", ") << "<a href=\"#program-" << i + 1 << "\">"
            << escaped(programs[i].name) << "</a>";
    }
    out << "</p></nav>\n</header>\n";
    SourceLines sources;
    for (std::size_t i = 0; i < programs.size(); ++i) {
        write_program_summary(out, report, programs[i], i + 1);
        out << "<div class=\"findings\">\n";
        for (const auto index : programs[i].findings) {
            write_finding(out, report, runtime, sources, index);
        }
        out << "</div>\n</section>\n";
    }
    if (!runtime.empty()) {
        write_unexplained(out, runtime);
    }
    out << "<footer><p><span class=\"end-marker\"></span> end of report</p></footer>\n"
           "</body>\n</html>\n";
}

} // namespace devmem::scan::detail
