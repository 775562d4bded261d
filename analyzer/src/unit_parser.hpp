#pragma once

// Parsing one translation unit so that a build's missing headers (a generated config.h, a
// dependency's header that is not installed, no libc headers at all) do not hide the rest of the
// file: each missing header is replaced by an empty stand-in, and the names the unit then lacks
// are declared in a forced prelude, for a bounded number of rounds.

#include "devmem/scan/analyzer.hpp"
#include "devmem/scan/report.hpp"

#include <clang-c/Index.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace devmem::scan::detail {

// Names given stand-in declarations, by kind, in the order they were learned. What a unit learned
// seeds the later units that lack any of the same headers, so that they need fewer rounds.
struct StandInNames {
    std::vector<std::string> types;
    std::vector<std::string> functions;
    std::vector<std::string> identifiers;

    bool empty() const { return types.empty() && functions.empty() && identifiers.empty(); }
    std::size_t size() const { return types.size() + functions.size() + identifiers.size(); }
    bool operator==(const StandInNames&) const = default;
};

struct ParsedUnit {
    CXTranslationUnit unit = nullptr; // null: libclang gave nothing to analyse
    Confidence confidence = Confidence::high;
    // Errors remain, or nothing parsed: the AST may miss calls the file makes.
    bool incomplete = false;
    std::optional<RunNote> note;
    // The stand-in headers the unit was parsed with, removed with the last reference: an AST
    // saved from the unit can be loaded only while they exist.
    std::shared_ptr<const void> stand_ins;
    // A parser limit or a dead worker decided the outcome, which a re-run may not repeat.
    bool transient = false;
    // The stand-in declarations the unit's first parse showed it lacks, not those it was seeded
    // with: what later units lacking the same headers are seeded with.
    StandInNames learned;
    // How many times libclang parsed the unit: one, and one more per stand-in round.
    int parses = 0;
    // libclang gave no unit at all (it recovered from a crash, or refused the arguments).
    bool parser_failed = false;
};

// What a unit's stand-ins start with.
struct StandInStart {
    // The headers the unit is known to lack before it is parsed (IncludeProbe).
    std::vector<std::string> headers;
    // Declared as well while the unit has stand-ins, less the names it declares itself.
    StandInNames seed;
};

// Parses the unit. One that lacks headers is parsed again with empty stand-ins for them and
// declarations of the names it then lacks, for a bounded number of rounds; headers known in
// advance get stand-ins from the first parse. If none of those is included (they sit in inactive
// branches), the unit comes out as without them. A seed declaration that clashes with the unit's
// code drops the seed: the unit is then parsed on as without one. `on_learned` is given
// ParsedUnit::learned as soon as it is known, before the rounds that follow, so that the units
// seeded with it need not wait for them.
using LearnedCallback = std::function<void(const StandInNames&)>;
ParsedUnit parse_unit(CXIndex index, const CompileJob& job, const AnalyzerOptions& options,
                      const StandInStart& start = {}, const LearnedCallback& on_learned = {});

// What a unit's error diagnostics say it lacks.
struct MissingNames {
    std::vector<std::string> headers; // `#include` names that were not found
    // Unknown type names, undeclared identifiers that are called, other undeclared identifiers.
    StandInNames declarations;
};

MissingNames missing_names(CXTranslationUnit unit);

} // namespace devmem::scan::detail
