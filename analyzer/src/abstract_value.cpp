#include "abstract_value.hpp"

#include <algorithm>

namespace devmem::scan::detail {

Value Value::unknown_value() {
    return {};
}

Value Value::of_number(std::uint64_t number) {
    Value value;
    value.kind = Kind::number;
    value.number = number;
    return value;
}

Value Value::of_string(std::string text) {
    Value value;
    value.kind = Kind::string;
    value.text = std::move(text);
    return value;
}

Value Value::of_parameter(std::string function_usr, unsigned index, std::string name) {
    Value value;
    value.kind = Kind::parameter;
    value.text = std::move(function_usr);
    value.index = index;
    value.name = std::move(name);
    return value;
}

Value Value::of_descriptor(Value path) {
    Value value;
    value.kind = Kind::descriptor;
    value.trace = path.trace;
    value.operands.push_back(std::make_shared<const Value>(std::move(path)));
    return value;
}

Value Value::of_function(std::string function_usr, std::string name) {
    Value value;
    value.kind = Kind::function;
    value.text = std::move(function_usr);
    value.name = std::move(name);
    return value;
}

bool Value::same_as(const Value& other) const {
    if (kind != other.kind || number != other.number || text != other.text ||
        index != other.index || op != other.op || operands.size() != other.operands.size()) {
        return false;
    }
    for (std::size_t i = 0; i < operands.size(); ++i) {
        if (!operands[i]->same_as(*other.operands[i])) {
            return false;
        }
    }
    return true;
}

bool Value::depends_on(const std::string& function_usr) const {
    if (kind == Kind::parameter) {
        return text == function_usr;
    }
    for (const auto& operand : operands) {
        if (operand->depends_on(function_usr)) {
            return true;
        }
    }
    return false;
}

Value Value::with_note(TraceNote note) const {
    Value copy = *this;
    if (std::find(copy.trace.begin(), copy.trace.end(), note) == copy.trace.end()) {
        copy.trace.push_back(std::move(note));
    }
    return copy;
}

Value Value::adjusted_by(const std::vector<TraceNote>& notes) const {
    Value copy = *this;
    for (const auto& note : notes) {
        if (std::find(copy.adjustments.begin(), copy.adjustments.end(), note) ==
            copy.adjustments.end()) {
            copy.adjustments.push_back(note);
        }
    }
    return copy;
}

bool ValueSet::insert(Value value) {
    for (const auto& existing : values_) {
        if (existing.same_as(value)) {
            return false;
        }
    }
    if (values_.size() >= limit) {
        if (has_unknown()) {
            return false;
        }
        value = Value::unknown_value();
    }
    values_.push_back(std::move(value));
    return true;
}

bool ValueSet::insert_all(const ValueSet& other) {
    bool changed = false;
    for (const auto& value : other.values_) {
        changed = insert(value) || changed;
    }
    return changed;
}

bool ValueSet::has_unknown() const {
    for (const auto& value : values_) {
        if (value.kind == Value::Kind::unknown) {
            return true;
        }
    }
    return false;
}

bool ValueSet::depends_on(const std::string& function_usr) const {
    for (const auto& value : values_) {
        if (value.depends_on(function_usr)) {
            return true;
        }
    }
    return false;
}

std::optional<std::uint64_t> ValueSet::single_number() const {
    if (values_.size() != 1 || values_.front().kind != Value::Kind::number) {
        return std::nullopt;
    }
    return values_.front().number;
}

namespace {

std::optional<std::uint64_t> fold(char op, std::uint64_t lhs, std::uint64_t rhs) {
    switch (op) {
    case '+':
        return lhs + rhs;
    case '-':
        return lhs - rhs;
    case '*':
        return lhs * rhs;
    case '/':
        return rhs == 0 ? std::nullopt : std::optional(lhs / rhs);
    case '%':
        return rhs == 0 ? std::nullopt : std::optional(lhs % rhs);
    case '&':
        return lhs & rhs;
    case '|':
        return lhs | rhs;
    case '^':
        return lhs ^ rhs;
    case '<':
        return rhs >= 64 ? std::nullopt : std::optional(lhs << rhs);
    case '>':
        return rhs >= 64 ? std::nullopt : std::optional(lhs >> rhs);
    default:
        return std::nullopt;
    }
}

bool is_symbolic(const Value& value) {
    return value.kind == Value::Kind::parameter || value.kind == Value::Kind::arithmetic;
}

Value combine_values(char op, const Value& lhs, const Value& rhs) {
    // Page alignment (`base % pagesize`, `base & ~(pagesize - 1)`) with a page size known only at
    // run time: the program still means the range it asked for, so the slack is taken as zero.
    if (rhs.kind == Value::Kind::unknown && op == '%') {
        return Value::of_number(0);
    }
    if (rhs.kind == Value::Kind::unknown && op == '&') {
        return lhs;
    }
    if (lhs.kind == Value::Kind::number && rhs.kind == Value::Kind::number) {
        const auto folded = fold(op, lhs.number, rhs.number);
        return folded ? Value::of_number(*folded) : Value::unknown_value();
    }
    const bool operands_known = (lhs.kind == Value::Kind::number || is_symbolic(lhs)) &&
                                (rhs.kind == Value::Kind::number || is_symbolic(rhs));
    if (!operands_known) {
        return Value::unknown_value();
    }
    if ((op == '+' || op == '-') && rhs.kind == Value::Kind::number && rhs.number == 0) {
        return lhs;
    }
    Value value;
    value.kind = Value::Kind::arithmetic;
    value.op = op;
    value.operands = {std::make_shared<const Value>(lhs), std::make_shared<const Value>(rhs)};
    return value;
}

} // namespace

Value combine(char op, const Value& lhs, const Value& rhs) {
    auto value = combine_values(op, lhs, rhs);
    if (value.kind == Value::Kind::unknown) {
        return value;
    }
    return value.adjusted_by(lhs.adjustments).adjusted_by(rhs.adjustments);
}

ValueSet combine(char op, const ValueSet& lhs, const ValueSet& rhs) {
    ValueSet result;
    for (const auto& left : lhs.values()) {
        for (const auto& right : rhs.values()) {
            result.insert(combine(op, left, right));
        }
    }
    return result;
}

} // namespace devmem::scan::detail
