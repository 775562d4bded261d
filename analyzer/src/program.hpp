#pragma once

// The translation units of one program, parsed and kept alive together so that functions can be
// followed from one file into another by USR.

#include "devmem/scan/analyzer.hpp"
#include "devmem/scan/finding.hpp"
#include "include_probe.hpp"
#include "progress.hpp"
#include "unit_parser.hpp"

#include <clang-c/Index.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace devmem::scan::detail {

struct FunctionDefinition {
    CXCursor cursor;
    // The USR and the file: programs scanned together may each define `main` or `mem_chunk`.
    std::string id;
    std::string usr;
    std::string name;
    Confidence confidence = Confidence::high;
};

class UnitSource;
struct ParsePlan;

struct TranslationUnit {
    CXTranslationUnit unit = nullptr;
    Confidence confidence = Confidence::high;
};

// A file whose unit has errors or did not parse at all (null unit): its device opens are also
// matched lexically.
struct IncompleteFile {
    std::string file;
    CXTranslationUnit unit = nullptr;
};

// What one parsed unit adds to a Program.
struct UnitIndex {
    std::vector<std::pair<SourceLocation, TraceNote>> macro_expansions;
    std::vector<FunctionDefinition> functions;
    std::vector<CXCursor> global_initializers;
    std::vector<CXCursor> field_initializers;
    std::vector<std::string> included_files;
};

class Program {
public:
    // `plan` must outlive the program.
    Program(AnalyzerOptions options, const ParsePlan& plan);
    ~Program();
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;

    // Parses the jobs on `options.jobs` threads and keeps what parsed, in job order whatever the
    // thread count. Parse failures and missing headers are appended to `notes`. `includes` holds,
    // per job, the include names that may name missing headers (Prefilter::unresolved_includes());
    // those clang cannot find get stand-ins from the unit's first parse. The first unit in job
    // order that lacks any of a set of headers is parsed before the later ones lacking any of the
    // same, which are seeded with the declarations it learned.
    void add(const std::vector<CompileJob>& jobs, std::vector<RunNote>& notes,
             const std::vector<std::optional<std::vector<std::string>>>& includes = {});

    const std::vector<TranslationUnit>& units() const { return units_; }
    const std::vector<IncompleteFile>& incomplete_files() const { return incomplete_files_; }
    const std::map<std::string, FunctionDefinition>& functions() const { return functions_; }
    const FunctionDefinition* find_function(const std::string& id) const;
    // The definition a call from `caller_file` reaches: the only one, or among several with one
    // USR (separate programs scanned together) the one nearest to the caller in the tree.
    const FunctionDefinition* definition_for_call(const std::string& usr,
                                                  const std::string& caller_file) const;
    // File-scope variable declarations with an initializer, in every unit.
    const std::vector<CXCursor>& global_initializers() const { return global_initializers_; }
    // Fields declared with a default member initializer (`std::string dev = "/dev/mem";`).
    const std::vector<CXCursor>& field_initializers() const { return field_initializers_; }
    // The macro whose expansion starts at this location, if any, and where it was defined.
    const TraceNote* macro_expanded_at(const SourceLocation& location) const;
    // Every file the parsed units included, their main files too, absolute.
    const std::set<std::string>& included_files() const { return included_files_; }
    // A unit's outcome was decided by a parser limit or a dead worker, not by its text alone.
    bool has_transient_outcome() const { return transient_; }

private:
    // The unit source and one index per parsing thread, made by the first add() with jobs.
    void prepare_parsing();
    // Adds a unit's index; the first definition of a function id wins.
    void merge(UnitIndex index);

    AnalyzerOptions options_;
    const ParsePlan& plan_;
    // One index per parsing thread: libclang does not share one between threads.
    std::vector<CXIndex> indexes_;
    std::unique_ptr<UnitSource> source_;
    ProgressMeter progress_;
    std::vector<TranslationUnit> units_;
    std::vector<IncompleteFile> incomplete_files_;
    std::map<std::string, FunctionDefinition> functions_;
    std::map<std::string, std::vector<std::string>> ids_by_usr_;
    std::vector<CXCursor> global_initializers_;
    std::vector<CXCursor> field_initializers_;
    std::map<SourceLocation, TraceNote> macro_expansions_;
    std::set<std::string> included_files_;
    bool transient_ = false;
    IncludeProbe include_probe_;
    // The pilots of the earlier rounds, in job order: the headers each was known to lack
    // (sorted) and the stand-in declarations it learned.
    struct Pilot {
        std::vector<std::string> headers;
        StandInNames learned;
    };
    std::vector<Pilot> pilots_;
};

std::vector<std::string> parser_arguments(const CompileJob& job, const AnalyzerOptions& options);

} // namespace devmem::scan::detail
