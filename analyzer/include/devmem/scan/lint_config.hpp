#pragma once

#include "devmem/scan/finding.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace devmem::scan {

// A configuration mistake: a bad --checks list, a malformed .devmem-scan.yaml, an override entry
// without a justification, an unreadable baseline. The message names file:line[:column] when
// there is a file. devmem-scan exits 2 on it.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Name of the configuration file looked for from the scanned directory upwards.
inline constexpr const char* config_file_name = ".devmem-scan.yaml";

// The lowest severity that makes devmem-scan exit 1.
std::optional<Severity> parse_severity(std::string_view name);

// clang-tidy-style rule selection: comma-separated globs over rule ids, applied in order, a
// leading '-' removes; "DM*,-DM007" is every rule but DM007. Throws ConfigError when the list
// is malformed or a glob matches no rule (a typo would otherwise silently disable everything).
class RuleSelection {
public:
    RuleSelection() = default; // every rule
    explicit RuleSelection(std::string_view checks);

    bool enabled(std::string_view rule) const;

private:
    std::vector<std::string> enabled_;
    bool all_ = true;
};

struct LintConfig {
    std::optional<std::string> checks;
    std::map<std::string, Severity> severity; // per rule id
    std::optional<Severity> fail_on;
};

// Reads a .devmem-scan.yaml (keys: checks, severity, fail-on). Throws ConfigError naming
// file:line:column.
LintConfig load_lint_config(const std::filesystem::path& file);

// The nearest .devmem-scan.yaml in `start` or one of its parents; nothing when there is none.
std::optional<std::filesystem::path> find_lint_config(const std::filesystem::path& start);

// Drops the findings of rules that are not selected and applies the severity overrides.
void apply_rule_policy(std::vector<Finding>& findings, const RuleSelection& selection,
                       const std::map<std::string, Severity>& severity);

} // namespace devmem::scan
