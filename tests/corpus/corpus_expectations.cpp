#include "corpus_expectations.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

namespace devmem::corpus {

namespace fs = std::filesystem;

namespace {

const std::set<std::string> known_rules{"DM001", "DM002", "DM003", "DM004",
                                        "DM005", "DM006", "DM007"};
const std::set<std::string> known_keys{"category", "range", "class", "servable", "confidence"};

std::string lower(std::string text) {
    std::ranges::transform(text, text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// Ranges compare by value, so 0xF0000 and 0xf0000 are the same.
std::string normalized_value(const std::string& key, const std::string& value) {
    return key == "range" ? lower(value) : value;
}

Expectation parse_check(const std::string& file, unsigned line, const std::string& body) {
    std::istringstream words(body);
    Expectation expectation{file, line, {}, {}};
    if (!(words >> expectation.rule) || !known_rules.contains(expectation.rule)) {
        throw AnnotationError(
            fmt::format("{}:{}: CHECK names no known rule: '{}'", file, line, body));
    }
    for (std::string word; words >> word;) {
        const auto equals = word.find('=');
        const auto key = word.substr(0, equals);
        if (equals == std::string::npos || !known_keys.contains(key)) {
            throw AnnotationError(fmt::format("{}:{}: unknown CHECK key '{}'", file, line, word));
        }
        expectation.keys[key] = normalized_value(key, word.substr(equals + 1));
    }
    return expectation;
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    const auto last = text.find_last_not_of(" \t\r");
    return first == std::string_view::npos ? std::string{}
                                           : std::string(text.substr(first, last - first + 1));
}

// `rest` follows the word CHECK: `: RULE keys`, `@+N: ...` or `@-N: ...`. Anything else (the
// word in prose) is not an annotation. The body ends at the next comment marker.
std::optional<Expectation> parse_check_at(const std::string& file, unsigned line,
                                          std::string_view rest) {
    long target = line;
    if (rest.starts_with("@+") || rest.starts_with("@-")) {
        const bool below = rest[1] == '+';
        std::size_t digits = 2;
        while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) {
            ++digits;
        }
        if (digits == 2) {
            throw AnnotationError(fmt::format("{}:{}: CHECK@ needs a line offset", file, line));
        }
        const long offset = std::stol(std::string(rest.substr(2, digits - 2)));
        target += below ? offset : -offset;
        rest.remove_prefix(digits);
    }
    if (!rest.starts_with(":")) {
        return std::nullopt;
    }
    rest.remove_prefix(1);
    rest = rest.substr(0, std::min(rest.find("//"), rest.find("*/")));
    if (target < 1) {
        throw AnnotationError(fmt::format("{}:{}: CHECK points before the first line", file, line));
    }
    return parse_check(file, static_cast<unsigned>(target), trim(rest));
}

} // namespace

ProgramExpectations parse_annotations(const std::string& file, const std::string& text) {
    ProgramExpectations program;
    std::istringstream lines(text);
    unsigned number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++number;
        const auto start = std::min(line.find("//"), line.find("/*"));
        if (start == std::string::npos) {
            continue;
        }
        const std::string_view comments = std::string_view(line).substr(start);
        if (const auto xfail = comments.find("XFAIL:");
            xfail != std::string_view::npos && !program.xfail_reason) {
            auto reason = comments.substr(xfail + 6);
            reason = reason.substr(0, reason.find("*/"));
            program.xfail_reason = trim(reason);
        }
        for (auto at = comments.find("CHECK"); at != std::string_view::npos;
             at = comments.find("CHECK", at + 5)) {
            if (auto check = parse_check_at(file, number, comments.substr(at + 5))) {
                program.expectations.push_back(std::move(*check));
            }
        }
    }
    return program;
}

ProgramExpectations read_program(const fs::path& directory) {
    ProgramExpectations program;
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(directory)) {
        if (entry.is_regular_file()) {
            files.push_back(fs::canonical(entry.path()));
        }
    }
    std::ranges::sort(files);
    for (const auto& file : files) {
        std::ifstream in(file);
        std::stringstream text;
        text << in.rdbuf();
        auto parsed = parse_annotations(file.string(), text.str());
        program.expectations.insert(program.expectations.end(), parsed.expectations.begin(),
                                    parsed.expectations.end());
        if (parsed.xfail_reason && !program.xfail_reason) {
            program.xfail_reason = parsed.xfail_reason;
        }
    }
    return program;
}

std::vector<ActualFinding> findings_from_json(const std::string& json) {
    const auto report = nlohmann::json::parse(json);
    std::vector<ActualFinding> findings;
    for (const auto& finding : report.at("findings")) {
        ActualFinding actual;
        const auto& location = finding.at("location");
        actual.file = location.at("file").get<std::string>();
        actual.line = location.at("line").get<unsigned>();
        actual.rule = finding.at("rule").get<std::string>();
        actual.keys["category"] = finding.at("category").get<std::string>();
        actual.keys["servable"] = finding.at("servable").get<std::string>();
        actual.keys["confidence"] = finding.at("confidence").get<std::string>();
        const auto& range = finding.at("range");
        actual.keys["class"] = range.at("class").get<std::string>();
        if (!range.at("start").is_null()) {
            actual.keys["range"] = lower(range.at("start").get<std::string>() + "-" +
                                         range.at("end").get<std::string>());
        }
        findings.push_back(std::move(actual));
    }
    return findings;
}

Comparison compare(const std::vector<Expectation>& expected,
                   const std::vector<ActualFinding>& actual) {
    // Expectations that say more are matched first, so that a bare `CHECK: DM002` on a line
    // with two maps does not take the finding a more precise CHECK needs.
    std::vector<const Expectation*> order;
    order.reserve(expected.size());
    for (const auto& expectation : expected) {
        order.push_back(&expectation);
    }
    std::ranges::stable_sort(order, [](const Expectation* a, const Expectation* b) {
        return a->keys.size() > b->keys.size();
    });
    std::vector<bool> used(actual.size(), false);
    Comparison comparison;
    for (const auto* expectation : order) {
        bool found = false;
        for (std::size_t i = 0; i < actual.size() && !found; ++i) {
            const auto& candidate = actual[i];
            if (used[i] || candidate.file != expectation->file ||
                candidate.line != expectation->line || candidate.rule != expectation->rule) {
                continue;
            }
            found = std::ranges::all_of(expectation->keys, [&](const auto& key) {
                const auto it = candidate.keys.find(key.first);
                return it != candidate.keys.end() && it->second == key.second;
            });
            used[i] = found;
        }
        if (!found) {
            comparison.missing.push_back(*expectation);
        }
    }
    for (std::size_t i = 0; i < actual.size(); ++i) {
        if (!used[i]) {
            comparison.unexpected.push_back(actual[i]);
        }
    }
    return comparison;
}

std::string describe(const Expectation& expectation) {
    std::string text =
        fmt::format("{}:{}: {}", expectation.file, expectation.line, expectation.rule);
    for (const auto& [key, value] : expectation.keys) {
        text += fmt::format(" {}={}", key, value);
    }
    return text;
}

std::string describe(const ActualFinding& finding) {
    std::string text = fmt::format("{}:{}: {}", finding.file, finding.line, finding.rule);
    for (const auto& [key, value] : finding.keys) {
        text += fmt::format(" {}={}", key, value);
    }
    return text;
}

} // namespace devmem::corpus
