#pragma once

// Parsing one translation unit so that a build's missing headers (a generated config.h, a
// dependency's header that is not installed, no libc headers at all) do not hide the rest of the
// file: each missing header is replaced by an empty stand-in, and the names the unit then lacks
// are declared in a forced prelude, for a bounded number of rounds.

#include "devmem/scan/analyzer.hpp"
#include "devmem/scan/report.hpp"

#include <clang-c/Index.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace devmem::scan::detail {

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
};

ParsedUnit parse_unit(CXIndex index, const CompileJob& job, const AnalyzerOptions& options);

// What a unit's error diagnostics say it lacks.
struct MissingNames {
    std::vector<std::string> headers;     // `#include` names that were not found
    std::vector<std::string> types;       // "unknown type name"
    std::vector<std::string> functions;   // undeclared identifiers that are called
    std::vector<std::string> identifiers; // other undeclared identifiers
};

MissingNames missing_names(CXTranslationUnit unit);

} // namespace devmem::scan::detail
