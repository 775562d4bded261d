#pragma once

#include "devmem/scan/physical_range.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace devmem::scan {

enum class Severity { note, warning, error };
enum class Confidence { high, low };

std::string_view to_string(Severity severity);
std::string_view to_string(Confidence confidence);

// One row of the rule catalogue in docs/rules/README.md.
struct RuleInfo {
    std::string_view id;
    std::string_view name;
    std::string_view category;
    Severity severity;
};

std::span<const RuleInfo> rule_catalogue();
// Nothing when the id is not in the catalogue.
const RuleInfo* find_rule(std::string_view id);

struct SourceLocation {
    std::string file;
    unsigned line = 0;
    unsigned column = 0;

    friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
    friend bool operator<(const SourceLocation& a, const SourceLocation& b) {
        return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
    }
};

// A step of the explanation that leads to a finding: where a path came from, which wrapper
// carried it, which macro spelled it.
struct TraceNote {
    SourceLocation location;
    std::string message;

    friend bool operator==(const TraceNote&, const TraceNote&) = default;
};

// One replacement in a source file: `length` bytes at byte `offset` of the file as it is on disk
// become `replacement`. Insertions have length 0.
struct Edit {
    std::string file;
    unsigned offset = 0;
    unsigned length = 0;
    std::string replacement;
    // The digest of the whole file as the analysis read it (the unit cache's content hash; empty:
    // not recorded), so that --fix can refuse a file that changed since.
    std::string analyzed_hash{};

    friend bool operator==(const Edit&, const Edit&) = default;
};

struct Finding {
    std::string rule;
    std::string category;
    Severity severity = Severity::warning;
    SourceLocation location;
    std::string function;
    std::string callee; // the call that was flagged; "==" for an integer comparison
    std::string message;
    std::optional<PhysicalRange> range;
    RangeClass range_class = RangeClass::unknown;
    Servability servability = Servability::not_servable;
    std::string replacement;
    std::string rewrite_rule; // id of the rewrite-rules/ recipe that applies, if any
    Confidence confidence = Confidence::high;
    std::vector<TraceNote> trace;
    std::vector<Edit> edits; // the rewrite rule's mechanical fix; empty when it gives advice only
};

} // namespace devmem::scan
