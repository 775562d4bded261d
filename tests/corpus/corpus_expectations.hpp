#pragma once

// The inline annotations of corpus programs (docs/rules/README.md, "Corpus annotations") and the
// comparison of a program's expected findings with the ones devmem-scan reported.

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace devmem::corpus {

struct Expectation {
    std::string file;
    unsigned line = 0;
    std::string rule;
    std::map<std::string, std::string> keys; // only the keys written are compared
};

struct ProgramExpectations {
    std::vector<Expectation> expectations;
    std::optional<std::string> xfail_reason;
};

// A reported finding, reduced to what annotations can mention.
struct ActualFinding {
    std::string file;
    unsigned line = 0;
    std::string rule;
    std::map<std::string, std::string> keys;
};

class AnnotationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses the annotations of one file; throws AnnotationError naming file:line on a malformed one.
ProgramExpectations parse_annotations(const std::string& file, const std::string& text);

// The annotations of every file of a program directory.
ProgramExpectations read_program(const std::filesystem::path& directory);

// Findings from devmem-scan's JSON report.
std::vector<ActualFinding> findings_from_json(const std::string& json);

struct Comparison {
    std::vector<Expectation> missing;
    std::vector<ActualFinding> unexpected;
    bool matches() const { return missing.empty() && unexpected.empty(); }
};

Comparison compare(const std::vector<Expectation>& expected,
                   const std::vector<ActualFinding>& actual);

std::string describe(const Expectation& expectation);
std::string describe(const ActualFinding& finding);

} // namespace devmem::corpus
