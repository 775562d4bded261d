#include "devmem/scan/rewrite_rules.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
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
        reject_unknown_keys(root_, {"id", "applies-to", "message", "advice", "fix", "link",
                                    "confidence", "doc", "examples"});
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
        rule.advice = required_string(root_, "advice");
        read_fix(rule);
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
                fail_at(file_, entry.first.Mark(),
                        fmt::format("unknown key '{}' (expected one of: {})", key,
                                    fmt::join(known, ", ")));
            }
        }
    }

    YAML::Node required(const YAML::Node& map, const char* key) {
        const auto node = map[key];
        if (!node) {
            fail_at(file_, map.Mark(), fmt::format("missing required key '{}'", key));
        }
        return node;
    }

    std::string required_string(const YAML::Node& map, const char* key) {
        return scalar(required(map, key), key);
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

    std::uint64_t number(const YAML::Node& node, const char* key) {
        const auto text = scalar(node, key);
        std::uint64_t value = 0;
        const auto hex = text.starts_with("0x") || text.starts_with("0X");
        const auto* begin = text.data() + (hex ? 2 : 0);
        const auto* end = text.data() + text.size();
        const auto [last, error] = std::from_chars(begin, end, value, hex ? 16 : 10);
        if (text.empty() || error != std::errc{} || last != end || begin == end) {
            fail_at(file_, node.Mark(),
                    fmt::format("'{}' must be a number (decimal or 0x...), not '{}'", key, text));
        }
        return value;
    }

    bool boolean(const YAML::Node& node, const char* key) {
        const auto text = scalar(node, key);
        if (text != "true" && text != "false") {
            fail_at(file_, node.Mark(), fmt::format("'{}' must be true or false", key));
        }
        return text == "true";
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
        const auto applies = required(root_, "applies-to");
        if (!applies.IsMap()) {
            fail_at(file_, applies.Mark(), "'applies-to' must be a mapping");
        }
        reject_unknown_keys(applies, {"rule", "category", "callee", "range-class", "arguments"});
        required(applies, "rule");
        rule.rules = optional_strings(applies, "rule");
        rule.category = optional_string(applies, "category");
        if (rule.rules.empty()) {
            fail_at(file_, applies["rule"].Mark(), "'rule' must name at least one rule");
        }
        for (const auto& id : rule.rules) {
            const auto* info = find_rule(id);
            if (info == nullptr) {
                fail_at(file_, applies["rule"].Mark(),
                        fmt::format("unknown rule '{}' (expected DM001..DM007)", id));
            }
            if (!rule.category.empty() && rule.category != info->category) {
                fail_at(file_, applies["category"].Mark(),
                        fmt::format("category '{}' does not match {}'s category '{}'",
                                    rule.category, id, info->category));
            }
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
        read_arguments(rule, applies["arguments"]);
    }

    void read_arguments(RewriteRule& rule, const YAML::Node& arguments) {
        if (!arguments) {
            return;
        }
        if (!arguments.IsSequence()) {
            fail_at(file_, arguments.Mark(), "'arguments' must be a list");
        }
        for (const auto& argument : arguments) {
            if (!argument.IsMap()) {
                fail_at(file_, argument.Mark(), "an argument must be a mapping with an index");
            }
            reject_unknown_keys(argument, {"index", "name", "string", "range"});
            ArgumentPredicate predicate;
            predicate.index = static_cast<unsigned>(number(required(argument, "index"), "index"));
            predicate.name = optional_string(argument, "name");
            if (predicate.name == "callee" || predicate.name == "arguments") {
                fail_at(file_, argument["name"].Mark(),
                        fmt::format("'{}' is a built-in placeholder", predicate.name));
            }
            predicate.strings = optional_strings(argument, "string");
            if (const auto range = argument["range"]) {
                if (!range.IsSequence() || range.size() != 2) {
                    fail_at(file_, range.Mark(), "'range' must be a list [low, high]");
                }
                predicate.number_range = {number(range[0], "range"), number(range[1], "range")};
                if (predicate.number_range->first > predicate.number_range->second) {
                    fail_at(file_, range.Mark(), "'range' must have low <= high");
                }
            }
            rule.arguments.push_back(std::move(predicate));
        }
    }

    void read_fix(RewriteRule& rule) {
        const auto fix = root_["fix"];
        if (!fix) {
            return;
        }
        if (!fix.IsMap()) {
            fail_at(file_, fix.Mark(), "'fix' must be a mapping");
        }
        reject_unknown_keys(
            fix, {"template", "reuse", "includes", "preconditions", "edit-macro-definitions"});
        RewriteFix result;
        if (const auto reuse = fix["reuse"]) {
            if (fix["template"]) {
                fail_at(file_, reuse.Mark(), "a fix has either 'template' or 'reuse', not both");
            }
            if (scalar(reuse, "reuse") != "descriptor-open") {
                fail_at(file_, reuse.Mark(),
                        fmt::format("'reuse' must be descriptor-open, not '{}'", reuse.Scalar()));
            }
            result.reuse_descriptor_open = true;
        } else {
            result.replacement_template = required_string(fix, "template");
            check_placeholders(rule, result.replacement_template, fix["template"].Mark());
        }
        result.includes = optional_strings(fix, "includes");
        for (const auto& include : result.includes) {
            if (include.size() < 3 || !((include.front() == '<' && include.back() == '>') ||
                                        (include.front() == '"' && include.back() == '"'))) {
                fail_at(file_, fix["includes"].Mark(),
                        fmt::format("include '{}' must be <header> or \"header\"", include));
            }
        }
        if (const auto flag = fix["edit-macro-definitions"]) {
            result.edit_macro_definitions = boolean(flag, "edit-macro-definitions");
        }
        if (const auto preconditions = fix["preconditions"]) {
            if (!preconditions.IsMap()) {
                fail_at(file_, preconditions.Mark(), "'preconditions' must be a mapping");
            }
            reject_unknown_keys(preconditions, {"argument-count"});
            if (const auto count = preconditions["argument-count"]) {
                result.argument_count = static_cast<unsigned>(number(count, "argument-count"));
            }
        }
        rule.fix = std::move(result);
    }

    void check_placeholders(const RewriteRule& rule, const std::string& text,
                            const YAML::Mark& mark) {
        for (const auto& name : placeholders_in(text)) {
            if (!name) {
                fail_at(file_, mark, "unbalanced '{' or '}' in the template (write {{ or }})");
            }
            const bool known = *name == "callee" || *name == "arguments" ||
                               std::ranges::any_of(rule.arguments, [&](const ArgumentPredicate& a) {
                                   return a.name == *name;
                               });
            if (!known) {
                fail_at(file_, mark,
                        fmt::format("unknown placeholder '{{{}}}' (known: callee, arguments and "
                                    "the names given under applies-to.arguments)",
                                    *name));
            }
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
                fail_at(file_, example.Mark(),
                        "an example must be a mapping with name, source and (to be fixed) fixed");
            }
            reject_unknown_keys(example, {"name", "language", "source", "fixed"});
            RewriteRule::Example parsed;
            parsed.name = required_string(example, "name");
            parsed.line = static_cast<unsigned>(example.Mark().line + 1);
            parsed.language = optional_string(example, "language");
            if (parsed.language.empty()) {
                // assign(count, char): GCC 12 at -O2 warns wrongly (-Wrestrict) on `= "c"` here.
                parsed.language.assign(1, 'c');
            } else if (parsed.language != "c" && parsed.language != "c++") {
                fail_at(file_, example["language"].Mark(), "'language' must be c or c++");
            }
            parsed.source = required_string(example, "source");
            if (example["fixed"]) {
                if (!rule.fix) {
                    fail_at(file_, example["fixed"].Mark(),
                            "an example of a rule without 'fix' cannot have 'fixed'");
                }
                parsed.fixed = scalar(example["fixed"], "fixed");
            }
            rule.examples.push_back(std::move(parsed));
        }
    }

    std::filesystem::path file_;
    YAML::Node root_;
};

} // namespace

RuleFileError::RuleFileError(const std::filesystem::path& file, unsigned line, unsigned column,
                             const std::string& problem)
    : std::runtime_error(fmt::format("{}:{}:{}: {}", file.string(), line, column, problem)) {}

std::vector<std::optional<std::string>> placeholders_in(std::string_view text) {
    std::vector<std::optional<std::string>> names;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((text[i] == '{' || text[i] == '}') && i + 1 < text.size() && text[i + 1] == text[i]) {
            ++i;
        } else if (text[i] == '}') {
            names.emplace_back();
        } else if (text[i] == '{') {
            const auto end = text.find_first_of("{}", i + 1);
            if (end == std::string_view::npos || text[end] != '}') {
                names.emplace_back();
                break;
            }
            names.emplace_back(std::string(text.substr(i + 1, end - i - 1)));
            i = end;
        }
    }
    return names;
}

std::string expand_template(std::string_view text,
                            const std::map<std::string, std::string, std::less<>>& bindings) {
    std::string result;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((text[i] == '{' || text[i] == '}') && i + 1 < text.size() && text[i + 1] == text[i]) {
            result += text[i++];
        } else if (text[i] == '{') {
            const auto end = text.find('}', i + 1);
            const auto binding = bindings.find(text.substr(i + 1, end - i - 1));
            if (end == std::string_view::npos || binding == bindings.end()) {
                result += text.substr(i);
                break;
            }
            result += binding->second;
            i = end;
        } else {
            result += text[i];
        }
    }
    return result;
}

std::size_t RewriteRule::specificity() const {
    return (callees.empty() ? 0 : 1) + (range_classes.empty() ? 0 : 1) + arguments.size();
}

bool RewriteRule::applies_to(std::string_view finding_rule, std::string_view callee,
                             RangeClass range_class) const {
    return std::ranges::find(rules, finding_rule) != rules.end() &&
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
