#include "devmem/scan/lint_config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fnmatch.h>

namespace devmem::scan {

namespace fs = std::filesystem;

namespace {

bool matches(const std::string& glob, std::string_view rule) {
    return fnmatch(glob.c_str(), std::string(rule).c_str(), 0) == 0;
}

std::string trimmed(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t\n");
    if (begin == std::string_view::npos) {
        return {};
    }
    return std::string(text.substr(begin, text.find_last_not_of(" \t\n") - begin + 1));
}

std::string where(const fs::path& file, const YAML::Node& node) {
    const auto mark = node.Mark();
    return fmt::format("{}:{}:{}", file.string(), mark.line + 1, mark.column + 1);
}

Severity severity_value(const fs::path& file, const YAML::Node& node) {
    const auto severity = node.IsScalar() ? parse_severity(node.Scalar()) : std::nullopt;
    if (!severity) {
        throw ConfigError(
            fmt::format("{}: expected a severity (error, warning or note)", where(file, node)));
    }
    return *severity;
}

} // namespace

std::optional<Severity> parse_severity(std::string_view name) {
    if (name == "error") {
        return Severity::error;
    }
    if (name == "warning") {
        return Severity::warning;
    }
    if (name == "note") {
        return Severity::note;
    }
    return std::nullopt;
}

RuleSelection::RuleSelection(std::string_view checks) : all_(false) {
    std::vector<std::pair<bool, std::string>> globs;
    std::size_t start = 0;
    while (start <= checks.size()) {
        const auto comma = std::min(checks.find(',', start), checks.size());
        auto glob = trimmed(checks.substr(start, comma - start));
        start = comma + 1;
        if (glob.empty()) {
            continue;
        }
        const bool remove = glob.front() == '-';
        if (remove) {
            glob.erase(0, 1);
        }
        const bool matches_a_rule = std::ranges::any_of(
            rule_catalogue(), [&](const RuleInfo& rule) { return matches(glob, rule.id); });
        if (!matches_a_rule) {
            throw ConfigError(fmt::format("check glob '{}' matches no rule (DM001-DM007)", glob));
        }
        globs.emplace_back(!remove, glob);
    }
    if (globs.empty()) {
        throw ConfigError(fmt::format("no checks in '{}'", checks));
    }
    for (const auto& rule : rule_catalogue()) {
        bool on = false;
        for (const auto& [add, glob] : globs) {
            if (matches(glob, rule.id)) {
                on = add;
            }
        }
        if (on) {
            enabled_.emplace_back(rule.id);
        }
    }
}

bool RuleSelection::enabled(std::string_view rule) const {
    return all_ || std::ranges::find(enabled_, rule) != enabled_.end();
}

LintConfig load_lint_config(const fs::path& file) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(file.string());
    } catch (const YAML::BadFile&) {
        throw ConfigError(fmt::format("{}: cannot read the configuration file", file.string()));
    } catch (const YAML::Exception& error) {
        throw ConfigError(fmt::format("{}:{}:{}: {}", file.string(), error.mark.line + 1,
                                      error.mark.column + 1, error.msg));
    }
    LintConfig config;
    if (root.IsNull()) {
        return config;
    }
    if (!root.IsMap()) {
        throw ConfigError(fmt::format("{}: expected a mapping of checks, severity and fail-on",
                                      where(file, root)));
    }
    for (const auto& entry : root) {
        const auto key = entry.first.as<std::string>();
        const auto& value = entry.second;
        if (key == "checks") {
            if (!value.IsScalar()) {
                throw ConfigError(
                    fmt::format("{}: checks is a string such as 'DM*,-DM007'", where(file, value)));
            }
            try {
                RuleSelection check_syntax(value.Scalar());
            } catch (const ConfigError& error) {
                throw ConfigError(fmt::format("{}: {}", where(file, value), error.what()));
            }
            config.checks = value.Scalar();
        } else if (key == "severity") {
            if (!value.IsMap()) {
                throw ConfigError(fmt::format(
                    "{}: severity maps rule ids to error, warning or note", where(file, value)));
            }
            for (const auto& rule : value) {
                const auto id = rule.first.as<std::string>();
                if (find_rule(id) == nullptr) {
                    throw ConfigError(
                        fmt::format("{}: unknown rule '{}'", where(file, rule.first), id));
                }
                config.severity[id] = severity_value(file, rule.second);
            }
        } else if (key == "fail-on") {
            config.fail_on = severity_value(file, value);
        } else {
            throw ConfigError(
                fmt::format("{}: unknown key '{}' (expected checks, severity or fail-on)",
                            where(file, entry.first), key));
        }
    }
    return config;
}

std::optional<fs::path> find_lint_config(const fs::path& start) {
    std::error_code error;
    auto directory = fs::absolute(start, error).lexically_normal();
    if (!fs::is_directory(directory, error)) {
        directory = directory.parent_path();
    }
    while (true) {
        const auto candidate = directory / config_file_name;
        if (fs::is_regular_file(candidate, error)) {
            return candidate;
        }
        if (directory == directory.root_path() || directory.empty()) {
            return std::nullopt;
        }
        directory = directory.parent_path();
    }
}

void apply_rule_policy(std::vector<Finding>& findings, const RuleSelection& selection,
                       const std::map<std::string, Severity>& severity) {
    std::erase_if(findings,
                  [&](const Finding& finding) { return !selection.enabled(finding.rule); });
    for (auto& finding : findings) {
        if (const auto it = severity.find(finding.rule); it != severity.end()) {
            finding.severity = it->second;
        }
    }
}

} // namespace devmem::scan
