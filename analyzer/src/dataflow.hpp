#pragma once

// A flow-insensitive, field-sensitive (per field, not per object) data-flow over the whole
// program. Locals, globals and struct fields map to sets of abstract values, except that a read
// of a local with a certain definition in straight-line code takes that one alone
// (straight_line_definitions.hpp). A function's parameters stay symbolic inside it, and call
// sites substitute their arguments, so a wrapper is analysed once and each caller gets its own
// answer.

#include "abstract_value.hpp"
#include "api_table.hpp"
#include "devmem/scan/report.hpp"
#include "program.hpp"
#include "straight_line_definitions.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace devmem::scan::detail {

struct CallSite {
    CXCursor call;
    std::string caller; // FunctionDefinition::id
    std::string callee; // FunctionDefinition::id
};

// Who a call goes to: a function of the program, or a library API by name.
struct CallTarget {
    std::string name;
    const FunctionDefinition* definition = nullptr;
    const ApiEntry* api = nullptr;
    bool is_stream_member = false;
    // A constructor or method of a library class (std::string, std::fpos, ...).
    bool is_library_constructor = false;
    bool is_library_member = false;
};

class DataFlow {
public:
    // Evaluation recurses once per level of an expression, on the analysis thread's stack; an
    // expression nested deeper is taken as unknown (and noted) rather than overflow it.
    static constexpr int max_expression_depth = 20000;

    explicit DataFlow(const Program& program);

    // Iterates assignments, initialisers and returns until nothing changes.
    void solve();

    ValueSet evaluate(CXCursor expression, const std::string& function) const;
    std::vector<CallTarget> targets_of(CXCursor call, const std::string& function) const;
    const std::vector<CallSite>& call_sites_of(const std::string& function) const;
    // What each function (by FunctionDefinition::id) may return.
    const std::map<std::string, ValueSet>& returns() const { return returns_; }

    // Replaces the parameters of `callee` by the arguments of one call of it.
    ValueSet substitute(const ValueSet& values, const CallSite& site) const;
    // Replaces the parameters of every function but `except` by what any caller passes;
    // `depth` bounds the walk up the call graph.
    ValueSet resolve_foreign(const ValueSet& values, const std::string& except,
                             int depth = 4) const;

    // The variable or field an expression designates, as a store key; empty if none.
    std::string storage_key(CXCursor expression) const;

    // The names of the fields and of the globals with external linkage whose values `holds`
    // accepts: other translation units reach these by name alone.
    std::set<std::string> shared_names(const std::function<bool(const ValueSet&)>& holds) const;

    const Program& program() const { return program_; }

    // One note per file where an expression was nested deeper than max_expression_depth.
    std::vector<RunNote> depth_notes() const;

private:
    struct EvaluationKey {
        CXCursor expression;
        std::string function;
    };
    struct EvaluationKeyHash {
        std::size_t operator()(const EvaluationKey& key) const;
    };
    struct SameEvaluationKey {
        bool operator()(const EvaluationKey& a, const EvaluationKey& b) const;
    };

    // clang_getCursorUSR(), kept: solve() asks for the same declarations' USRs in every round,
    // and libclang builds each one anew.
    const std::string& usr_of(CXCursor declaration) const;
    // The variable or field an expression designates; null if none.
    CXCursor stored_declaration(CXCursor expression) const;
    std::string key_of(CXCursor declaration) const;
    bool store(CXCursor declaration, const ValueSet& values);
    bool assign(CXCursor target, const ValueSet& values);
    // The target may now hold anything: its address escaped or it was changed in place.
    bool forget(CXCursor target);
    bool record_initializer(CXCursor variable, const std::string& function);
    bool record_member_initializers(const FunctionDefinition& constructor);
    bool record_field_initializer(CXCursor field);
    // Calls reached through function pointers appear once the pointers' values are known, so
    // call sites are collected in every round.
    bool record_call_site(const CallSite& site);
    bool visit_function(const FunctionDefinition& function);
    // What a call does to the store: stream opens, strcpy/snprintf into a buffer.
    bool record_call(CXCursor call, const std::string& function);
    // sprintf's result when the format and every argument are known strings.
    ValueSet formatted_string(const std::vector<CXCursor>& arguments, std::size_t format,
                              const std::string& function) const;
    ValueSet evaluate_uncached(CXCursor expression, const std::string& function) const;
    // What clang's constant evaluator makes of the expression (a number or a string). Inside
    // another evaluation it is asked only when the operands do not already rule a constant out:
    // asking at every level of a chain of operators would walk the chain below each level again.
    std::optional<Value> constant_of(CXCursor expression) const;
    // Certain not to be a constant: an operand that must be evaluated is not one.
    bool cannot_fold(CXCursor expression) const;
    ValueSet evaluate_call(CXCursor call, const std::string& function) const;
    ValueSet evaluate_reference(CXCursor expression, const std::string& function) const;
    // The parameter of `function` the expression names, if it names one.
    std::optional<Value> own_parameter(CXCursor reference, const std::string& function) const;
    // Records the arguments of `call` that are the address of one of `function`'s parameters.
    void note_addresses_handed(
        CXCursor call, const std::string& function,
        std::unordered_map<CXCursor, TraceNote, CursorHash, SameCursor>& handed) const;
    ValueSet evaluate_operator(CXCursor expression, const std::string& function) const;
    ValueSet with_macro_note(CXCursor literal, Value value) const;
    ValueSet resolve_value(const Value& value, const std::string& except, int depth) const;

    const Program& program_;
    StraightLineDefinitions straight_line_;
    std::map<std::string, ValueSet> store_;
    // The store keys of fields and external globals, with their declarations.
    std::map<std::string, CXCursor> shared_;
    std::map<std::string, ValueSet> returns_;
    std::map<std::string, std::vector<CallSite>> call_sites_;
    // The operators, casts and calls inside other expressions, evaluated once per round of
    // solve() (a nested assignment or call asks for them again) and once after it. Within a
    // round a value may miss what a later assignment of the round adds; the next round sees
    // it, and the last round changes nothing, so the fixpoint is the same.
    mutable std::unordered_map<EvaluationKey, ValueSet, EvaluationKeyHash, SameEvaluationKey>
        evaluated_;
    // What clang made of the leaves cannot_fold() looked at.
    mutable std::unordered_map<CXCursor, std::optional<Value>, CursorHash, SameCursor> constants_;
    mutable std::unordered_map<CXCursor, bool, CursorHash, SameCursor> cannot_fold_;
    mutable std::unordered_map<CXCursor, std::string, CursorHash, SameCursor> usrs_;
    mutable int depth_ = 0;
    // Counts evaluations cut off at max_expression_depth, so that a value depending on one is
    // not remembered for an evaluation starting nearer that expression.
    mutable unsigned depth_cutoffs_ = 0;
    mutable std::map<std::string, SourceLocation> too_deep_;
};

} // namespace devmem::scan::detail
