#include "corpus_expectations.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

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

} // namespace

ProgramExpectations parse_annotations(const std::string& file, const std::string& text) {
    static const std::regex check(R"(CHECK(@([+-])(\d+))?:\s*((?:(?!//|\*/).)*))");
    static const std::regex xfail(R"(XFAIL:\s*(.*))");
    ProgramExpectations program;
    std::istringstream lines(text);
    unsigned number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++number;
        const auto comment = line.find("//");
        const auto block = line.find("/*");
        const auto start = std::min(comment, block);
        if (start == std::string::npos) {
            continue;
        }
        const auto annotations = line.substr(start);
        std::smatch xfail_match;
        if (std::regex_search(annotations, xfail_match, xfail) && !program.xfail_reason) {
            program.xfail_reason = xfail_match[1].str();
        }
        for (std::sregex_iterator it(annotations.begin(), annotations.end(), check), end; it != end;
             ++it) {
            const auto& match = *it;
            long target = number;
            if (match[1].matched) {
                const long offset = std::stol(match[3].str());
                target += match[2].str() == "+" ? offset : -offset;
            }
            if (target < 1) {
                throw AnnotationError(
                    fmt::format("{}:{}: CHECK points before the first line", file, number));
            }
            program.expectations.push_back(
                parse_check(file, static_cast<unsigned>(target), match[4].str()));
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
