#pragma once

// A flow-insensitive, field-sensitive (per field, not per object) data-flow over the whole
// program. Locals, globals and struct fields map to sets of abstract values; a function's
// parameters stay symbolic inside it, and call sites substitute their arguments, so a wrapper is
// analysed once and each caller gets its own answer.

#include "abstract_value.hpp"
#include "api_table.hpp"
#include "program.hpp"

#include <functional>
#include <map>
#include <string>
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
    static std::string storage_key(CXCursor expression);

    const Program& program() const { return program_; }

private:
    bool update(const std::string& key, const ValueSet& values);
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
    ValueSet evaluate_call(CXCursor call, const std::string& function) const;
    ValueSet evaluate_reference(CXCursor expression, const std::string& function) const;
    ValueSet evaluate_operator(CXCursor expression, const std::string& function) const;
    ValueSet with_macro_note(CXCursor literal, Value value) const;
    ValueSet resolve_value(const Value& value, const std::string& except, int depth) const;

    const Program& program_;
    std::map<std::string, ValueSet> store_;
    std::map<std::string, ValueSet> returns_;
    std::map<std::string, std::vector<CallSite>> call_sites_;
};

void visit_descendants(CXCursor root, const std::function<void(CXCursor)>& visit);

} // namespace devmem::scan::detail
