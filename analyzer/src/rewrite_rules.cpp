#include "devmem/scan/rewrite_rules.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>

namespace devmem::scan {

namespace {

// yaml-cpp counts from 0; diagnostics count from 1.
[[noreturn]] void fail_at(const std::filesystem::path& file, const YAML::Mark& mark,
                          const std::string& problem) {
    throw RuleFileError(file, static_cast<unsigned>(std::max(mark.line, 0) + 1),
                        static_cast<unsigned>(std::max(mark.column, 0) + 1), problem);
}

class RuleReader {
public:
    RuleReader(std::filesystem::path file, const YAML::Node& root)
        : file_(std::move(file)), root_(root) {}

    RewriteRule read() {
        if (!root_.IsMap()) {
            fail_at(file_, root_.Mark(), "a rule file must be a mapping of keys to values");
        }
        reject_unknown_keys(root_, {"id", "applies-to", "message", "replacement", "includes",
                                    "link", "confidence", "doc", "examples"});
        RewriteRule rule;
        rule.file = file_;
        rule.id = required_string(root_, "id");
        if (rule.id.empty() || !std::ranges::all_of(rule.id, [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            })) {
            fail_at(file_, root_["id"].Mark(),
                    "'id' must be lower-case letters, digits and dashes");
        }
        read_applies_to(rule);
        rule.message = required_string(root_, "message");
        rule.replacement = required_string(root_, "replacement");
        rule.includes = optional_strings(root_, "includes");
        rule.link = optional_string(root_, "link");
        rule.doc = optional_string(root_, "doc");
        read_confidence(rule);
        read_examples(rule);
        return rule;
    }

private:
    void reject_unknown_keys(const YAML::Node& map, std::initializer_list<std::string_view> known) {
        for (const auto& entry : map) {
            const auto key = entry.first.Scalar();
            if (std::ranges::find(known, key) == known.end()) {
                fail_at(file_, entry.first.Mark(), fmt::format("unknown key '{}'", key));
            }
        }
    }

    std::string required_string(const YAML::Node& map, const char* key) {
        const auto node = map[key];
        if (!node) {
            fail_at(file_, map.Mark(), fmt::format("missing required key '{}'", key));
        }
        return scalar(node, key);
    }

    std::string optional_string(const YAML::Node& map, const char* key) {
        const auto node = map[key];
        return node ? scalar(node, key) : std::string{};
    }

    std::string scalar(const YAML::Node& node, const char* key) {
        if (!node.IsScalar()) {
            fail_at(file_, node.Mark(), fmt::format("'{}' must be a string", key));
        }
        return node.Scalar();
    }

    // A single string is accepted where a list is expected.
    std::vector<std::string> optional_strings(const YAML::Node& map, const char* key) {
        const auto node = map[key];
        if (!node) {
            return {};
        }
        if (node.IsScalar()) {
            return {node.Scalar()};
        }
        if (!node.IsSequence()) {
            fail_at(file_, node.Mark(), fmt::format("'{}' must be a string or a list", key));
        }
        std::vector<std::string> values;
        for (const auto& item : node) {
            values.push_back(scalar(item, key));
        }
        return values;
    }

    void read_applies_to(RewriteRule& rule) {
        const auto applies = root_["applies-to"];
        if (!applies) {
            fail_at(file_, root_.Mark(), "missing required key 'applies-to'");
        }
        if (!applies.IsMap()) {
            fail_at(file_, applies.Mark(), "'applies-to' must be a mapping");
        }
        reject_unknown_keys(applies, {"rule", "category", "callee", "range-class"});
        rule.rule = required_string(applies, "rule");
        const auto* info = find_rule(rule.rule);
        if (info == nullptr) {
            fail_at(file_, applies["rule"].Mark(),
                    fmt::format("unknown rule '{}' (expected DM001..DM007)", rule.rule));
        }
        rule.category = optional_string(applies, "category");
        if (!rule.category.empty() && !info->category.empty() && rule.category != info->category) {
            fail_at(file_, applies["category"].Mark(),
                    fmt::format("category '{}' does not match {}'s category '{}'", rule.category,
                                rule.rule, info->category));
        }
        rule.callees = optional_strings(applies, "callee");
        for (const auto& name : optional_strings(applies, "range-class")) {
            const auto range_class = range_class_named(name);
            if (!range_class) {
                fail_at(file_, applies["range-class"].Mark(),
                        fmt::format("unknown range class '{}'", name));
            }
            rule.range_classes.push_back(*range_class);
        }
    }

    void read_confidence(RewriteRule& rule) {
        const auto value = optional_string(root_, "confidence");
        if (value.empty() || value == "high") {
            rule.confidence = Confidence::high;
        } else if (value == "low") {
            rule.confidence = Confidence::low;
        } else {
            fail_at(file_, root_["confidence"].Mark(),
                    fmt::format("confidence must be 'high' or 'low', not '{}'", value));
        }
    }

    void read_examples(RewriteRule& rule) {
        const auto examples = root_["examples"];
        if (!examples) {
            return;
        }
        if (!examples.IsSequence()) {
            fail_at(file_, examples.Mark(), "'examples' must be a list");
        }
        for (const auto& example : examples) {
            if (!example.IsMap()) {
                fail_at(file_, example.Mark(), "an example must be a mapping with before/after");
            }
            reject_unknown_keys(example, {"before", "after"});
            rule.examples.push_back(
                {required_string(example, "before"), required_string(example, "after")});
        }
    }

    std::filesystem::path file_;
    YAML::Node root_;
};

} // namespace

RuleFileError::RuleFileError(const std::filesystem::path& file, unsigned line, unsigned column,
                             const std::string& problem)
    : std::runtime_error(fmt::format("{}:{}:{}: {}", file.string(), line, column, problem)) {}

bool RewriteRule::applies_to(std::string_view finding_rule, std::string_view callee,
                             RangeClass range_class) const {
    return rule == finding_rule &&
           (callees.empty() || std::ranges::find(callees, callee) != callees.end()) &&
           (range_classes.empty() ||
            std::ranges::find(range_classes, range_class) != range_classes.end());
}

RewriteRule load_rewrite_rule(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw RuleFileError(file, 1, 1, "cannot be read");
    }
    YAML::Node root;
    try {
        root = YAML::Load(in);
    } catch (const YAML::ParserException& error) {
        fail_at(file, error.mark, error.msg);
    }
    try {
        return RuleReader(file, root).read();
    } catch (const YAML::Exception& error) {
        fail_at(file, error.mark, error.msg);
    }
}

std::vector<RewriteRule> load_rewrite_rules(const std::filesystem::path& directory) {
    std::error_code error;
    if (!std::filesystem::is_directory(directory, error)) {
        throw RuleFileError(directory, 1, 1, "is not a directory of rule files");
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
            files.push_back(entry.path());
        }
    }
    std::ranges::sort(files);
    std::vector<RewriteRule> rules;
    std::map<std::string, std::filesystem::path> seen;
    for (const auto& file : files) {
        auto rule = load_rewrite_rule(file);
        if (const auto [it, fresh] = seen.emplace(rule.id, file); !fresh) {
            throw RuleFileError(
                file, 1, 1,
                fmt::format("duplicate rule id '{}' (also in {})", rule.id, it->second.string()));
        }
        rules.push_back(std::move(rule));
    }
    return rules;
}

} // namespace devmem::scan
