#include "devmem/scan/suppressions.hpp"

#include "blank_text.hpp"
#include "content_hash.hpp"
#include "devmem/scan/fingerprint.hpp"
#include "devmem/scan/lint_config.hpp"
#include "source_lines.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fnmatch.h>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace devmem::scan {

namespace fs = std::filesystem;

namespace {

struct InlineSuppression {
    SourceLocation location;
    std::vector<std::string> rules; // "*" for every rule
    std::string reason;
    bool used = false;

    bool covers(const std::string& rule) const {
        return std::ranges::any_of(rules, [&](const auto& r) { return r == "*" || r == rule; });
    }
};

// The same file named relatively and absolutely must match.
std::string file_key(const std::string& file) {
    std::error_code error;
    return fs::absolute(file, error).lexically_normal().string();
}

std::vector<std::string> split_rules(const std::string& list) {
    std::vector<std::string> rules;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = std::min(list.find(',', start), list.size());
        auto rule = list.substr(start, comma - start);
        std::erase_if(rule, [](char c) { return c == ' ' || c == '\t'; });
        if (!rule.empty()) {
            rules.push_back(rule);
        }
        start = comma + 1;
    }
    return rules;
}

// Most files have no suppression at all: one search of the whole text spares them being split
// into lines and matched line by line.
bool may_hold_suppressions(const std::string& file) {
    std::error_code error;
    if (!fs::is_regular_file(file, error)) {
        return false;
    }
    const auto text = detail::read_file_bytes(file);
    return text && text->find("devmem-scan:") != std::string::npos;
}

// What follows `ignore[...]` in its comment, without the blanks around it.
std::string reason_after(std::string_view rest) {
    return std::string(detail::trimmed(rest.substr(0, rest.find("*/"))));
}

struct Marker {
    std::size_t comment = 0; // where the comment holding it opens
    std::string rules;       // between the brackets of ignore[...]
    std::string rest;        // the line after the closing bracket
};

// `devmem-scan: ignore[RULES]` in a comment: after the line's first `//` or `/*`, the first
// marker followed, past any spaces, by `ignore[` and a closing `]`. Searched for, not matched
// with std::regex, whose recursive backtracking in libstdc++ a long line could exhaust.
std::optional<Marker> find_marker(const std::string& line) {
    const auto comment = std::min(line.find("//"), line.find("/*"));
    if (comment == std::string::npos) {
        return std::nullopt;
    }
    constexpr std::string_view marker = "devmem-scan:";
    constexpr std::string_view ignore = "ignore[";
    for (auto at = line.find(marker, comment + 2); at != std::string::npos;
         at = line.find(marker, at + 1)) {
        auto open = at + marker.size();
        while (open < line.size() && detail::is_space(line[open])) {
            ++open;
        }
        if (line.compare(open, ignore.size(), ignore) != 0) {
            continue;
        }
        open += ignore.size();
        const auto close = line.find(']', open);
        if (close == std::string::npos) {
            continue;
        }
        return Marker{comment, line.substr(open, close - open), line.substr(close + 1)};
    }
    return std::nullopt;
}

// Only in a comment: a string literal that happens to contain the marker does not count.
std::vector<InlineSuppression> find_inline_suppressions(const std::string& file,
                                                        const std::vector<std::string>& lines) {
    std::vector<InlineSuppression> found;
    for (std::size_t index = 0; index < lines.size(); ++index) {
        const auto marker = find_marker(lines[index]);
        if (!marker) {
            continue;
        }
        if (std::ranges::count(lines[index].substr(0, marker->comment), '"') % 2 != 0) {
            continue;
        }
        found.push_back(
            {{file, static_cast<unsigned>(index + 1), static_cast<unsigned>(marker->comment + 1)},
             split_rules(marker->rules),
             reason_after(marker->rest)});
    }
    return found;
}

std::string rules_text(const std::vector<std::string>& rules) {
    std::string text;
    for (const auto& rule : rules) {
        text += (text.empty() ? "" : ",") + rule;
    }
    return text;
}

bool override_matches(const OverrideEntry& entry, const Finding& finding,
                      const std::string& relative_path) {
    if (entry.rule != "*" && entry.rule != finding.rule) {
        return false;
    }
    if (fnmatch(entry.path_glob.c_str(), relative_path.c_str(), 0) != 0) {
        return false;
    }
    if (entry.where.empty()) {
        return true;
    }
    if (std::ranges::all_of(entry.where, [](char c) { return c >= '0' && c <= '9'; })) {
        return std::to_string(finding.location.line) == entry.where;
    }
    return finding.function == entry.where;
}

} // namespace

void apply_inline_suppressions(Report& report, const std::vector<std::string>& scanned_files) {
    std::set<std::string> files;
    std::vector<std::string> ordered_files;
    const auto add_file = [&](const std::string& file) {
        if (files.insert(file_key(file)).second) {
            ordered_files.push_back(file);
        }
    };
    std::ranges::for_each(scanned_files, add_file);
    for (const auto& finding : report.findings) {
        add_file(finding.location.file);
    }
    detail::SourceLines sources;
    std::map<std::pair<std::string, unsigned>, std::vector<InlineSuppression>> by_line;
    for (const auto& file : ordered_files) {
        if (!may_hold_suppressions(file)) {
            continue;
        }
        for (auto& suppression : find_inline_suppressions(file, sources.lines_of(file))) {
            by_line[{file_key(file), suppression.location.line}].push_back(std::move(suppression));
        }
    }
    std::erase_if(report.findings, [&](const Finding& finding) {
        const auto key = file_key(finding.location.file);
        for (const unsigned line : {finding.location.line, finding.location.line - 1}) {
            const auto it = by_line.find({key, line});
            if (it == by_line.end()) {
                continue;
            }
            for (auto& suppression : it->second) {
                if (suppression.covers(finding.rule)) {
                    suppression.used = true;
                    report.suppressed.push_back({finding, true, suppression.reason});
                    return true;
                }
            }
        }
        return false;
    });
    for (const auto& [line, suppressions] : by_line) {
        for (const auto& suppression : suppressions) {
            if (!suppression.used) {
                report.notes.push_back(
                    {suppression.location,
                     fmt::format("unused suppression: ignore[{}] silences no finding",
                                 rules_text(suppression.rules)),
                     NoteKind::unused_suppression});
            }
        }
    }
}

struct OverrideLine {
    std::string rule;
    std::string path;
    std::string justification;
};

// `RULE PATH[:LINE|:FUNCTION] [# justification]`, split by hand rather than with std::regex,
// whose recursive backtracking in libstdc++ a long justification exhausted the stack with.
std::optional<OverrideLine> split_override(std::string_view line) {
    using detail::is_space;
    const auto skip_spaces = [&](std::size_t at) {
        while (at < line.size() && is_space(line[at])) {
            ++at;
        }
        return at;
    };
    const auto rule_start = skip_spaces(0);
    auto at = rule_start;
    while (at < line.size() && !is_space(line[at])) {
        ++at;
    }
    const auto rule_end = at;
    at = skip_spaces(at);
    const auto path_start = at;
    while (at < line.size() && !is_space(line[at]) && line[at] != '#') {
        ++at;
    }
    const auto path_end = at;
    if (rule_end == rule_start || rule_end == path_start || path_end == path_start) {
        return std::nullopt;
    }
    at = skip_spaces(at);
    std::string_view justification;
    if (at < line.size()) {
        if (line[at] != '#') {
            return std::nullopt;
        }
        justification = detail::trimmed(line.substr(at + 1));
    }
    return OverrideLine{std::string(line.substr(rule_start, rule_end - rule_start)),
                        std::string(line.substr(path_start, path_end - path_start)),
                        std::string(justification)};
}

std::vector<OverrideEntry> load_overrides(const fs::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw ConfigError(fmt::format("{}: cannot read the overrides file", file.string()));
    }
    std::vector<OverrideEntry> entries;
    unsigned number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') {
            continue;
        }
        const auto where = fmt::format("{}:{}", file.string(), number);
        const auto parts = split_override(line);
        if (!parts) {
            throw ConfigError(
                fmt::format("{}: expected 'RULE path[:line|:function] # justification'", where));
        }
        OverrideEntry entry{
            parts->rule, parts->path, "", parts->justification, {file.string(), number, 1}};
        if (entry.rule != "*" && find_rule(entry.rule) == nullptr) {
            throw ConfigError(fmt::format("{}: unknown rule '{}'", where, entry.rule));
        }
        if (entry.justification.empty()) {
            throw ConfigError(
                fmt::format("{}: override of {} for {} has no justification (add '# why')", where,
                            entry.rule, entry.path_glob));
        }
        if (const auto colon = entry.path_glob.rfind(':'); colon != std::string::npos) {
            entry.where = entry.path_glob.substr(colon + 1);
            entry.path_glob.erase(colon);
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

void apply_overrides(Report& report, const std::vector<OverrideEntry>& overrides) {
    std::vector<bool> used(overrides.size(), false);
    std::erase_if(report.findings, [&](const Finding& finding) {
        const auto relative = path_from_root(finding.location.file, report.root);
        for (std::size_t i = 0; i < overrides.size(); ++i) {
            if (override_matches(overrides[i], finding, relative)) {
                used[i] = true;
                report.suppressed.push_back({finding, false, overrides[i].justification});
                return true;
            }
        }
        return false;
    });
    for (std::size_t i = 0; i < overrides.size(); ++i) {
        if (!used[i]) {
            const auto& entry = overrides[i];
            report.notes.push_back(
                {entry.origin,
                 fmt::format("unused override: {} {}{}{} matches no finding", entry.rule,
                             entry.path_glob, entry.where.empty() ? "" : ":", entry.where),
                 NoteKind::unused_suppression});
        }
    }
}

} // namespace devmem::scan
