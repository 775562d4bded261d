#pragma once

// The values the data-flow engine tracks: enough to tell which descriptor came from which device
// and which constant a physical offset folds to, across wrappers.

#include "devmem/scan/finding.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace devmem::scan::detail {

struct Value {
    enum class Kind {
        unknown,
        number,
        string,     // a string literal; `text`
        parameter,  // parameter `index` of the function whose USR is `text`
        descriptor, // a file descriptor, FILE* or stream opened from `operands[0]` (a path)
        function,   // a function designator: USR in `text`, name in `name`
        arithmetic, // `operands[0] op operands[1]`, still waiting for a parameter's value
    };

    Kind kind = Kind::unknown;
    std::uint64_t number = 0;
    std::string text;
    std::string name;
    unsigned index = 0;
    char op = 0;
    std::vector<std::shared_ptr<const Value>> operands;
    // How the value got here; not part of its identity.
    std::vector<TraceNote> trace;
    // Where a callee given the address of the parameter it comes from may have changed it
    // (`round(&base, &len)`): the value is what the caller passed, possibly adjusted. Not part of
    // its identity either.
    std::vector<TraceNote> adjustments;

    static Value unknown_value();
    static Value of_number(std::uint64_t number);
    static Value of_string(std::string text);
    static Value of_parameter(std::string function_usr, unsigned index, std::string name);
    static Value of_descriptor(Value path);
    static Value of_function(std::string function_usr, std::string name);

    bool same_as(const Value& other) const;
    // Mentions a parameter of the function with this USR anywhere inside.
    bool depends_on(const std::string& function_usr) const;
    Value with_note(TraceNote note) const;
    // The value with `notes` added to its adjustments (duplicates dropped).
    Value adjusted_by(const std::vector<TraceNote>& notes) const;
};

// A small may-set of values; it saturates to `unknown` instead of growing without bound, so
// loops that keep producing new constants still reach a fixpoint.
class ValueSet {
public:
    ValueSet() = default;
    explicit ValueSet(Value value) { insert(std::move(value)); }

    // True when something new was added.
    bool insert(Value value);
    bool insert_all(const ValueSet& other);

    const std::vector<Value>& values() const& { return values_; }
    // Lets `for (auto& v : evaluate(...).values())` own the values of the temporary set.
    std::vector<Value> values() && { return std::move(values_); }
    bool empty() const { return values_.empty(); }
    bool has_unknown() const;
    bool depends_on(const std::string& function_usr) const;
    // The single constant the set stands for, if it is exactly one number.
    std::optional<std::uint64_t> single_number() const;

private:
    static constexpr std::size_t limit = 16;
    std::vector<Value> values_;
};

// Folds `lhs op rhs` for every pair; op is one of + - * / % & | ^ < > (shifts).
ValueSet combine(char op, const ValueSet& lhs, const ValueSet& rhs);
Value combine(char op, const Value& lhs, const Value& rhs);

} // namespace devmem::scan::detail
