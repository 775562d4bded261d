#include "dataflow.hpp"

#include "devmem/scan/device_path.hpp"
#include "libclang_support.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace devmem::scan::detail {

namespace {

// Enough rounds for values to travel through a handful of assignments, globals and returns;
// a program still changing after that is cut off rather than analysed forever.
constexpr int max_rounds = 12;

// A descriptor for each path it may have been opened on, keeping the descriptor's own trace.
ValueSet descriptors_of(const ValueSet& paths, const std::vector<TraceNote>& trace) {
    ValueSet result;
    for (const auto& path : paths.values()) {
        auto descriptor = Value::of_descriptor(path);
        for (const auto& note : trace) {
            descriptor = descriptor.with_note(note);
        }
        result.insert(std::move(descriptor));
    }
    return result;
}

struct ClangEvaluation {
    bool evaluated = false;
    std::optional<Value> value; // when it evaluated to a number or a string
};

// What clang's constant evaluator makes of the expression. Costs a walk of the whole expression.
ClangEvaluation clang_constant(CXCursor expression) {
    CXEvalResult result = clang_Cursor_Evaluate(expression);
    if (result == nullptr) {
        return {};
    }
    std::optional<Value> value;
    switch (clang_EvalResult_getKind(result)) {
    case CXEval_Int:
        value = Value::of_number(
            clang_EvalResult_isUnsignedInt(result) != 0
                ? clang_EvalResult_getAsUnsigned(result)
                : static_cast<std::uint64_t>(clang_EvalResult_getAsLongLong(result)));
        break;
    case CXEval_StrLiteral:
        value = Value::of_string(clang_EvalResult_getAsStr(result));
        break;
    default:
        break;
    }
    clang_EvalResult_dispose(result);
    return {true, std::move(value)};
}

// How clang's evaluator treats an expression's operands: a strict operator fails when any
// operand does (it evaluates them all); `c ? a : b` when `c` does or both branches do; a comma
// when its right side does; a cast or parentheses when what they wrap does. An assignment is
// never a constant: it modifies an object from outside the evaluation. Anything else is asked.
enum class FoldRule { strict, conditional, last_operand, wrapper, never, leaf };

FoldRule fold_rule(CXCursor expression) {
    switch (clang_getCursorKind(expression)) {
    case CXCursor_BinaryOperator:
        switch (clang_getCursorBinaryOperatorKind(expression)) {
        case CXBinaryOperator_Mul:
        case CXBinaryOperator_Div:
        case CXBinaryOperator_Rem:
        case CXBinaryOperator_Add:
        case CXBinaryOperator_Sub:
        case CXBinaryOperator_Shl:
        case CXBinaryOperator_Shr:
        case CXBinaryOperator_LT:
        case CXBinaryOperator_GT:
        case CXBinaryOperator_LE:
        case CXBinaryOperator_GE:
        case CXBinaryOperator_EQ:
        case CXBinaryOperator_NE:
        case CXBinaryOperator_And:
        case CXBinaryOperator_Xor:
        case CXBinaryOperator_Or:
            return FoldRule::strict;
        case CXBinaryOperator_Assign:
            return FoldRule::never;
        case CXBinaryOperator_Comma:
            return FoldRule::last_operand;
        default:
            return FoldRule::leaf; // && and || may fold with one side unknown
        }
    case CXCursor_UnaryOperator:
        switch (clang_getCursorUnaryOperatorKind(expression)) {
        case CXUnaryOperator_Plus:
        case CXUnaryOperator_Minus:
        case CXUnaryOperator_Not:
        case CXUnaryOperator_LNot:
            return FoldRule::strict;
        default:
            return FoldRule::leaf;
        }
    case CXCursor_ConditionalOperator:
        return FoldRule::conditional;
    case CXCursor_ParenExpr:
    case CXCursor_UnexposedExpr:
    case CXCursor_CStyleCastExpr:
    case CXCursor_CXXStaticCastExpr:
    case CXCursor_CXXFunctionalCastExpr:
        return FoldRule::wrapper;
    default:
        return FoldRule::leaf;
    }
}

// A number whose failure to evaluate is final; a pointer may still be a constant address that
// clang's evaluator accepts but does not hand out.
bool is_arithmetic(CXType type) {
    const auto kind = clang_getCanonicalType(type).kind;
    return (kind >= CXType_Bool && kind <= CXType_LongDouble) || kind == CXType_Enum;
}

std::vector<CXCursor> operands_of(CXCursor expression) {
    std::vector<CXCursor> operands;
    for (const auto child : children(expression)) {
        if (clang_isExpression(clang_getCursorKind(child)) != 0) {
            operands.push_back(child);
        }
    }
    return operands;
}

// libclang spells a string literal as written, quotes and escapes included, and concatenated
// pieces ("/dev/" "mem") one after the other.
std::optional<std::string> string_literal_text(CXCursor literal) {
    const auto written = spelling(literal);
    std::string text;
    bool inside = false;
    for (std::size_t i = 0; i < written.size(); ++i) {
        const char c = written[i];
        if (c == '"') {
            inside = !inside;
        } else if (!inside) {
            continue;
        } else if (c == '\\' && i + 1 < written.size()) {
            const char escaped = written[++i];
            text += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped == '0' ? '\0' : escaped;
        } else {
            text += c;
        }
    }
    if (written.empty()) {
        return std::nullopt;
    }
    return text;
}

std::optional<char> arithmetic_operator(CXBinaryOperatorKind kind) {
    switch (kind) {
    case CXBinaryOperator_Add:
        return '+';
    case CXBinaryOperator_Sub:
        return '-';
    case CXBinaryOperator_Mul:
        return '*';
    case CXBinaryOperator_Div:
        return '/';
    case CXBinaryOperator_Rem:
        return '%';
    case CXBinaryOperator_And:
        return '&';
    case CXBinaryOperator_Or:
        return '|';
    case CXBinaryOperator_Xor:
        return '^';
    case CXBinaryOperator_Shl:
        return '<';
    case CXBinaryOperator_Shr:
        return '>';
    default:
        return std::nullopt;
    }
}

// Members of library types that hand out what the object holds.
bool is_accessor(std::string_view member) {
    return member == "c_str" || member == "data" || member == "string" || member == "rdbuf";
}

std::optional<unsigned> parameter_index(CXCursor function, CXCursor parameter) {
    const int count = clang_Cursor_getNumArguments(function);
    for (int i = 0; i < count; ++i) {
        if (clang_equalCursors(clang_Cursor_getArgument(function, static_cast<unsigned>(i)),
                               parameter) != 0) {
            return static_cast<unsigned>(i);
        }
    }
    return std::nullopt;
}

std::vector<CXCursor> record_fields(CXType type) {
    std::vector<CXCursor> fields;
    for (const auto child : children(clang_getTypeDeclaration(clang_getCanonicalType(type)))) {
        if (clang_getCursorKind(child) == CXCursor_FieldDecl) {
            fields.push_back(child);
        }
    }
    return fields;
}

bool is_record(CXType type) {
    return clang_getCanonicalType(type).kind == CXType_Record;
}

// "/dev/%s" with "mem" gives "/dev/mem"; anything but %s leaves the result unknown.
std::optional<std::string> format_strings(const std::string& format,
                                          const std::vector<std::string>& arguments) {
    std::string result;
    std::size_t next = 0;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') {
            result += format[i];
        } else if (i + 1 < format.size() && format[i + 1] == '%') {
            result += '%';
            ++i;
        } else if (i + 1 < format.size() && format[i + 1] == 's' && next < arguments.size()) {
            result += arguments[next++];
            ++i;
        } else {
            return std::nullopt;
        }
    }
    return result;
}

} // namespace

// Whether argument `index` of `call` is a variable or field that a non-const reference parameter
// binds to: the callee may change it. An lvalue handed over as it is, without the conversion to
// its value a by-value parameter gets, is bound to a reference.
bool binds_changeable_reference(CXCursor call, std::size_t index, CXCursor argument) {
    const auto kind = clang_getCursorKind(without_parentheses(argument));
    if (kind != CXCursor_DeclRefExpr && kind != CXCursor_MemberRefExpr) {
        return false;
    }
    const auto callee = clang_getCursorReferenced(call);
    if (clang_Cursor_isNull(callee) || clang_Cursor_getNumArguments(callee) <= int(index)) {
        return true;
    }
    const auto type = clang_getCursorType(clang_Cursor_getArgument(callee, unsigned(index)));
    const bool reference =
        type.kind == CXType_LValueReference || type.kind == CXType_RValueReference;
    return reference && clang_isConstQualifiedType(clang_getPointeeType(type)) == 0;
}

DataFlow::DataFlow(const Program& program) : program_(program) {
    for (const auto& [id, function] : program_.functions()) {
        straight_line_.add_function(function.cursor);
    }
}

const std::string& DataFlow::usr_of(CXCursor declaration) const {
    const auto [it, inserted] = usrs_.try_emplace(declaration);
    if (inserted) {
        it->second = usr(declaration);
    }
    return it->second;
}

CXCursor DataFlow::stored_declaration(CXCursor expression) const {
    const auto target = strip_wrappers(expression);
    switch (clang_getCursorKind(target)) {
    case CXCursor_DeclRefExpr:
    case CXCursor_MemberRefExpr:
        return clang_getCursorReferenced(target);
    case CXCursor_ArraySubscriptExpr: {
        // Arrays are not told apart by element: all elements share the array's values.
        const auto parts = children(target);
        return parts.empty() ? clang_getNullCursor() : stored_declaration(parts.front());
    }
    default:
        return clang_getNullCursor();
    }
}

std::string DataFlow::key_of(CXCursor declaration) const {
    if (clang_Cursor_isNull(declaration)) {
        return {};
    }
    auto key = usr_of(declaration);
    if (key.empty()) {
        const auto where = location_of(declaration);
        key = fmt::format("{}:{}:{}", where.file, where.line, where.column);
    }
    return key;
}

std::string DataFlow::storage_key(CXCursor expression) const {
    return key_of(stored_declaration(expression));
}

bool DataFlow::store(CXCursor declaration, const ValueSet& values) {
    const auto key = key_of(declaration);
    if (key.empty()) {
        return false;
    }
    const auto kind = clang_getCursorKind(declaration);
    if (kind == CXCursor_FieldDecl ||
        (kind == CXCursor_VarDecl && clang_getCursorLinkage(declaration) == CXLinkage_External)) {
        shared_.try_emplace(key, declaration);
    }
    return store_[key].insert_all(values);
}

bool DataFlow::assign(CXCursor target, const ValueSet& values) {
    return store(stored_declaration(target), values);
}

bool DataFlow::forget(CXCursor target) {
    return assign(target, ValueSet(Value::unknown_value()));
}

std::set<std::string>
DataFlow::shared_names(const std::function<bool(const ValueSet&)>& holds) const {
    std::set<std::string> names;
    for (const auto& [key, declaration] : shared_) {
        if (holds(store_.at(key))) {
            names.insert(spelling(declaration));
        }
    }
    return names;
}

bool DataFlow::record_initializer(CXCursor variable, const std::string& function) {
    const auto initializer = clang_Cursor_getVarDeclInitializer(variable);
    if (clang_Cursor_isNull(initializer)) {
        return false;
    }
    if (clang_getCursorKind(initializer) != CXCursor_InitListExpr) {
        return store(variable, evaluate(initializer, function));
    }
    // Struct initialisers feed the fields they name; arrays share one value set.
    bool changed = false;
    const std::function<void(CXCursor, CXType)> initialize = [&](CXCursor list, CXType type) {
        const auto fields = is_record(type) ? record_fields(type) : std::vector<CXCursor>{};
        std::size_t position = 0;
        for (const auto element : children(list)) {
            CXCursor value = element;
            CXCursor field = clang_getNullCursor();
            const auto parts = children(element);
            if (!parts.empty() && clang_getCursorKind(parts.front()) == CXCursor_MemberRef) {
                field = clang_getCursorReferenced(parts.front());
                value = parts.back();
            } else if (position < fields.size()) {
                field = fields[position++];
            }
            const auto element_type = clang_Cursor_isNull(field)
                                          ? clang_getElementType(clang_getCanonicalType(type))
                                          : clang_getCursorType(field);
            if (clang_getCursorKind(strip_wrappers(value)) == CXCursor_InitListExpr) {
                initialize(strip_wrappers(value), element_type);
            } else if (!clang_Cursor_isNull(field)) {
                changed = store(field, evaluate(value, function)) || changed;
            } else {
                changed = store(variable, evaluate(value, function)) || changed;
            }
        }
    };
    initialize(initializer, clang_getCursorType(variable));
    return changed;
}

bool DataFlow::record_call_site(const CallSite& site) {
    auto& sites = call_sites_[site.callee];
    const bool known = std::ranges::any_of(sites, [&](const CallSite& other) {
        return clang_equalCursors(other.call, site.call) != 0;
    });
    if (!known) {
        sites.push_back(site);
    }
    return !known;
}

bool DataFlow::record_call(CXCursor call, const std::string& function) {
    bool changed = false;
    const auto arguments = call_arguments(call);
    for (std::size_t index = 0; index < arguments.size(); ++index) {
        if (binds_changeable_reference(call, index, arguments[index])) {
            changed = forget(arguments[index]) || changed;
        }
    }
    for (const auto& target : targets_of(call, function)) {
        if (target.definition != nullptr) {
            changed = record_call_site({call, function, target.definition->id}) || changed;
        }
        if (target.is_stream_member && target.api != nullptr && target.api->kind == ApiKind::open &&
            target.api->name == "open" && !arguments.empty()) {
            ValueSet streams;
            for (const auto& path : evaluate(arguments[0], function).values()) {
                streams.insert(Value::of_descriptor(path));
            }
            changed = assign(member_call_object(call), streams) || changed;
        }
        const bool copies_string =
            target.name == "strcpy" || target.name == "strncpy" || target.name == "strlcpy";
        if (copies_string && arguments.size() >= 2) {
            changed = assign(arguments[0], evaluate(arguments[1], function)) || changed;
        }
        if ((target.name == "snprintf" || target.name == "sprintf") && arguments.size() >= 2) {
            const std::size_t format = target.name == "snprintf" ? 2 : 1;
            changed =
                assign(arguments[0], formatted_string(arguments, format, function)) || changed;
        }
    }
    return changed;
}

ValueSet DataFlow::formatted_string(const std::vector<CXCursor>& arguments, std::size_t format,
                                    const std::string& function) const {
    if (format >= arguments.size()) {
        return ValueSet(Value::unknown_value());
    }
    auto single_string = [&](CXCursor argument) -> std::optional<std::string> {
        const auto values = evaluate(argument, function);
        if (values.values().size() != 1 || values.values()[0].kind != Value::Kind::string) {
            return std::nullopt;
        }
        return values.values()[0].text;
    };
    const auto pattern = single_string(arguments[format]);
    std::vector<std::string> strings;
    for (std::size_t i = format + 1; i < arguments.size(); ++i) {
        const auto text = single_string(arguments[i]);
        if (!text) {
            return ValueSet(Value::unknown_value());
        }
        strings.push_back(*text);
    }
    const auto text = pattern ? format_strings(*pattern, strings) : std::nullopt;
    return ValueSet(text ? Value::of_string(*text) : Value::unknown_value());
}

bool DataFlow::visit_function(const FunctionDefinition& function) {
    bool changed = false;
    const auto& self = function.id;
    // `&parameter` handed straight to a call, with the note saying which callee may adjust it.
    // Calls are visited before their arguments.
    std::unordered_map<CXCursor, TraceNote, CursorHash, SameCursor> handed_to_callee;
    visit_descendants(function.cursor, [&](CXCursor cursor) {
        switch (clang_getCursorKind(cursor)) {
        case CXCursor_VarDecl:
            changed = record_initializer(cursor, self) || changed;
            break;
        case CXCursor_BinaryOperator: {
            const auto parts = children(cursor);
            const auto op = clang_getCursorBinaryOperatorKind(cursor);
            if (parts.size() == 2 && op == CXBinaryOperator_Assign) {
                changed = assign(parts[0], evaluate(parts[1], self)) || changed;
            }
            break;
        }
        case CXCursor_CompoundAssignOperator: {
            const auto parts = children(cursor);
            if (!parts.empty()) {
                changed = forget(parts[0]) || changed;
            }
            break;
        }
        case CXCursor_UnaryOperator: {
            const auto op = clang_getCursorUnaryOperatorKind(cursor);
            const auto parts = children(cursor);
            // What is done through a pointer to a variable, or by ++/--, is not tracked.
            const bool escapes_or_changes =
                op == CXUnaryOperator_AddrOf || is_increment_or_decrement(op);
            if (parts.empty() || !escapes_or_changes) {
                break;
            }
            // A parameter whose address a callee is given stays what the caller passed, only
            // possibly adjusted (rounded to a page, clamped); anything else may now hold anything.
            const auto handed = handed_to_callee.find(cursor);
            const auto parameter = handed != handed_to_callee.end()
                                       ? own_parameter(strip_wrappers(parts.front()), self)
                                       : std::nullopt;
            if (parameter) {
                changed =
                    assign(parts.front(), ValueSet(parameter->adjusted_by({handed->second}))) ||
                    changed;
            } else {
                changed = forget(parts.front()) || changed;
            }
            break;
        }
        case CXCursor_ReturnStmt: {
            const auto parts = children(cursor);
            if (!parts.empty()) {
                changed = returns_[self].insert_all(evaluate(parts.front(), self)) || changed;
            }
            break;
        }
        case CXCursor_CallExpr:
            note_addresses_handed(cursor, self, handed_to_callee);
            changed = record_call(cursor, self) || changed;
            break;
        default:
            break;
        }
    });
    return changed;
}

void DataFlow::note_addresses_handed(
    CXCursor call, const std::string& function,
    std::unordered_map<CXCursor, TraceNote, CursorHash, SameCursor>& handed) const {
    std::string callee;
    for (const auto& argument : call_arguments(call)) {
        const auto address = strip_wrappers(argument);
        if (clang_getCursorKind(address) != CXCursor_UnaryOperator ||
            clang_getCursorUnaryOperatorKind(address) != CXUnaryOperator_AddrOf) {
            continue;
        }
        const auto parts = children(address);
        const auto parameter =
            parts.empty() ? std::nullopt : own_parameter(strip_wrappers(parts.front()), function);
        if (!parameter) {
            continue;
        }
        if (callee.empty()) {
            const auto targets = targets_of(call, function);
            callee = targets.empty() ? "the callee" : fmt::format("'{}'", targets.front().name);
        }
        handed.insert_or_assign(
            address, TraceNote{location_of(call),
                               fmt::format("'{}' may be adjusted here by {}, which is given its "
                                           "address",
                                           parameter->name, callee)});
    }
}

bool DataFlow::record_member_initializers(const FunctionDefinition& constructor) {
    bool changed = false;
    CXCursor field = clang_getNullCursor();
    for (const auto child : children(constructor.cursor)) {
        if (clang_getCursorKind(child) == CXCursor_MemberRef) {
            field = clang_getCursorReferenced(child);
        } else if (!clang_Cursor_isNull(field) && clang_isExpression(clang_getCursorKind(child))) {
            changed = store(field, evaluate(child, constructor.id)) || changed;
            field = clang_getNullCursor();
        }
    }
    return changed;
}

bool DataFlow::record_field_initializer(CXCursor field) {
    const auto parts = children(field);
    if (parts.empty() || !clang_isExpression(clang_getCursorKind(parts.back()))) {
        return false;
    }
    return store(field, evaluate(parts.back(), {}));
}

void DataFlow::solve() {
    for (int round = 0; round < max_rounds; ++round) {
        evaluated_.clear();
        bool changed = false;
        for (const auto variable : program_.global_initializers()) {
            changed = record_initializer(variable, {}) || changed;
        }
        for (const auto field : program_.field_initializers()) {
            changed = record_field_initializer(field) || changed;
        }
        for (const auto& [id, function] : program_.functions()) {
            if (clang_getCursorKind(function.cursor) == CXCursor_Constructor) {
                changed = record_member_initializers(function) || changed;
            }
            changed = visit_function(function) || changed;
        }
        if (!changed) {
            return;
        }
    }
    // Cut off while still changing: what the last round remembered may be out of date.
    evaluated_.clear();
}

const std::vector<CallSite>& DataFlow::call_sites_of(const std::string& function) const {
    static const std::vector<CallSite> none_found;
    const auto it = call_sites_.find(function);
    return it == call_sites_.end() ? none_found : it->second;
}

ValueSet DataFlow::with_macro_note(CXCursor literal, Value value) const {
    const auto where = location_of(literal);
    if (value.kind == Value::Kind::string && device_of_path(value.text)) {
        value = value.with_note({where, fmt::format("path '{}' comes from here", value.text)});
        if (const auto* macro = program_.macro_expanded_at(where)) {
            value = value.with_note(*macro);
        }
    }
    return ValueSet(std::move(value));
}

std::size_t DataFlow::EvaluationKeyHash::operator()(const EvaluationKey& key) const {
    return clang_hashCursor(key.expression) ^ (std::hash<std::string>{}(key.function) << 1U);
}

bool DataFlow::SameEvaluationKey::operator()(const EvaluationKey& a, const EvaluationKey& b) const {
    return a.function == b.function && clang_equalCursors(a.expression, b.expression) != 0;
}

bool DataFlow::cannot_fold(CXCursor expression) const {
    // Operands before the operator, with a stack of our own: a chain is as deep as clang parsed.
    std::vector<std::pair<CXCursor, bool>> pending{{expression, false}};
    while (!pending.empty()) {
        const auto [cursor, operands_known] = pending.back();
        if (cannot_fold_.contains(cursor)) {
            pending.pop_back();
            continue;
        }
        const auto rule = fold_rule(cursor);
        const auto operands = rule == FoldRule::leaf || rule == FoldRule::never
                                  ? std::vector<CXCursor>{}
                                  : operands_of(cursor);
        if (!operands_known) {
            pending.back().second = true;
            for (const auto operand : operands) {
                pending.emplace_back(operand, false);
            }
            continue;
        }
        pending.pop_back();
        const auto fails = [&](std::size_t i) { return cannot_fold_.at(operands[i]); };
        bool result = false;
        switch (rule) {
        case FoldRule::strict:
            for (std::size_t i = 0; i < operands.size(); ++i) {
                result = result || fails(i);
            }
            break;
        case FoldRule::conditional:
            result = operands.size() == 3 && (fails(0) || (fails(1) && fails(2)));
            break;
        case FoldRule::last_operand:
            result = !operands.empty() && fails(operands.size() - 1);
            break;
        case FoldRule::wrapper:
            result = operands.size() == 1 && fails(0);
            break;
        case FoldRule::never:
            result = true;
            break;
        case FoldRule::leaf: {
            auto evaluation = clang_constant(cursor);
            result = !evaluation.evaluated && is_arithmetic(clang_getCursorType(cursor));
            constants_.try_emplace(cursor, std::move(evaluation.value));
            break;
        }
        }
        cannot_fold_.emplace(cursor, result);
    }
    return cannot_fold_.at(expression);
}

std::optional<Value> DataFlow::constant_of(CXCursor expression) const {
    // An expression evaluated for its own sake goes to clang at once: one walk, and it usually
    // folds. Below it, the operands first rule out what cannot fold (and cannot_fold() keeps
    // what clang made of the leaves).
    if (depth_ > 1 && cannot_fold(expression)) {
        return std::nullopt;
    }
    if (const auto known = constants_.find(expression); known != constants_.end()) {
        return known->second;
    }
    return clang_constant(expression).value;
}

std::vector<RunNote> DataFlow::depth_notes() const {
    std::vector<RunNote> notes;
    for (const auto& [file, where] : too_deep_) {
        notes.push_back({where, fmt::format("an expression nests deeper than {} levels: what it "
                                            "computes is taken as unknown",
                                            max_expression_depth)});
    }
    return notes;
}

ValueSet DataFlow::evaluate(CXCursor expression, const std::string& function) const {
    EvaluationKey key{expression, function};
    if (const auto known = evaluated_.find(key); known != evaluated_.end()) {
        return known->second;
    }
    if (depth_ >= max_expression_depth) {
        ++depth_cutoffs_;
        const auto where = location_of(expression);
        too_deep_.try_emplace(where.file, where);
        return ValueSet(Value::unknown_value());
    }
    struct Deeper {
        int& depth;
        explicit Deeper(int& level) : depth(level) { ++depth; }
        Deeper(const Deeper&) = delete;
        Deeper& operator=(const Deeper&) = delete;
        ~Deeper() { --depth; }
    } deeper(depth_);
    // Only what is evaluated again can profit: an operator, cast or call inside another
    // expression (the next nested assignment or call asks for it again). Literals and names are
    // cheap, and a huge initialiser list would fill memory.
    const bool remembered = depth_ > 1 && (fold_rule(expression) != FoldRule::leaf ||
                                           clang_getCursorKind(expression) == CXCursor_CallExpr);
    const auto cutoffs = depth_cutoffs_;
    auto values = evaluate_uncached(expression, function);
    if (remembered && depth_cutoffs_ == cutoffs) {
        evaluated_.emplace(std::move(key), values);
    }
    return values;
}

ValueSet DataFlow::evaluate_uncached(CXCursor expression, const std::string& function) const {
    switch (clang_getCursorKind(expression)) {
    case CXCursor_StringLiteral:
        if (auto text = string_literal_text(expression)) {
            return with_macro_note(expression, Value::of_string(std::move(*text)));
        }
        return ValueSet(Value::unknown_value());
    case CXCursor_DeclRefExpr:
    case CXCursor_MemberRefExpr:
        return evaluate_reference(expression, function);
    case CXCursor_CallExpr:
        return evaluate_call(expression, function);
    case CXCursor_BinaryOperator:
    case CXCursor_UnaryOperator:
    case CXCursor_ConditionalOperator:
        if (auto value = constant_of(expression)) {
            return ValueSet(*value);
        }
        return evaluate_operator(expression, function);
    case CXCursor_UnexposedExpr:
    case CXCursor_ParenExpr:
    case CXCursor_CStyleCastExpr:
    case CXCursor_CXXStaticCastExpr:
    case CXCursor_CXXReinterpretCastExpr:
    case CXCursor_CXXConstCastExpr:
    case CXCursor_CXXFunctionalCastExpr: {
        if (auto value = constant_of(expression); value && value->kind == Value::Kind::number) {
            return ValueSet(*value);
        }
        const auto inner = strip_wrappers(expression);
        if (clang_equalCursors(inner, expression) != 0) {
            return ValueSet(Value::unknown_value());
        }
        return evaluate(inner, function);
    }
    default:
        if (auto value = constant_of(expression)) {
            return ValueSet(*value);
        }
        return ValueSet(Value::unknown_value());
    }
}

ValueSet DataFlow::evaluate_reference(CXCursor expression, const std::string& function) const {
    const auto declaration = clang_getCursorReferenced(expression);
    ValueSet values;
    std::optional<Value> parameter;
    switch (clang_getCursorKind(declaration)) {
    case CXCursor_ParmDecl:
        parameter = own_parameter(expression, function);
        break;
    case CXCursor_EnumConstantDecl:
        return ValueSet(Value::of_number(clang_getEnumConstantDeclUnsignedValue(declaration)));
    case CXCursor_FunctionDecl:
    case CXCursor_CXXMethod:
        return ValueSet(Value::of_function(usr_of(declaration), spelling(declaration)));
    case CXCursor_VarDecl:
        if (const auto definition = straight_line_.definition_of(expression);
            !clang_Cursor_isNull(definition)) {
            return evaluate(definition, function);
        }
        break;
    case CXCursor_FieldDecl:
        break;
    default:
        return ValueSet(Value::unknown_value());
    }
    const auto stored = store_.find(storage_key(expression));
    if (parameter) {
        // Where callees given the parameter's address may have adjusted it.
        if (stored != store_.end()) {
            for (const auto& value : stored->second.values()) {
                if (value.same_as(*parameter)) {
                    parameter = parameter->adjusted_by(value.adjustments);
                }
            }
        }
        values.insert(std::move(*parameter));
    }
    if (stored != store_.end()) {
        values.insert_all(stored->second);
    }
    return values.empty() ? ValueSet(Value::unknown_value()) : values;
}

std::optional<Value> DataFlow::own_parameter(CXCursor reference,
                                             const std::string& function) const {
    const auto declaration = clang_getCursorReferenced(reference);
    if (clang_getCursorKind(declaration) != CXCursor_ParmDecl) {
        return std::nullopt;
    }
    const auto owner = clang_getCursorSemanticParent(declaration);
    const auto* current = program_.find_function(function);
    if (current == nullptr || usr_of(owner) != current->usr) {
        return std::nullopt;
    }
    const auto index = parameter_index(owner, declaration);
    if (!index) {
        return std::nullopt;
    }
    return Value::of_parameter(function, *index, spelling(declaration));
}

ValueSet DataFlow::evaluate_operator(CXCursor expression, const std::string& function) const {
    const auto parts = children(expression);
    const auto kind = clang_getCursorKind(expression);
    if (kind == CXCursor_ConditionalOperator && parts.size() == 3) {
        auto values = evaluate(parts[1], function);
        values.insert_all(evaluate(parts[2], function));
        return values;
    }
    if (kind == CXCursor_BinaryOperator && parts.size() == 2) {
        const auto op = clang_getCursorBinaryOperatorKind(expression);
        if (op == CXBinaryOperator_Assign || op == CXBinaryOperator_Comma) {
            return evaluate(parts[1], function);
        }
        if (const auto symbol = arithmetic_operator(op)) {
            return combine(*symbol, evaluate(parts[0], function), evaluate(parts[1], function));
        }
    }
    if (kind == CXCursor_UnaryOperator && parts.size() == 1) {
        const auto op = clang_getCursorUnaryOperatorKind(expression);
        if (op == CXUnaryOperator_Minus) {
            return combine('-', ValueSet(Value::of_number(0)), evaluate(parts[0], function));
        }
        if (op == CXUnaryOperator_AddrOf) {
            // `std::istream is(&filebuf)`: the address of an open stream is that stream.
            ValueSet streams;
            for (const auto& value : evaluate(parts[0], function).values()) {
                if (value.kind == Value::Kind::descriptor) {
                    streams.insert(value);
                }
            }
            return streams.empty() ? ValueSet(Value::unknown_value()) : streams;
        }
        if (op == CXUnaryOperator_Not) {
            return combine('^', evaluate(parts[0], function), ValueSet(Value::of_number(~0ULL)));
        }
    }
    return ValueSet(Value::unknown_value());
}

std::vector<CallTarget> DataFlow::targets_of(CXCursor call, const std::string& function) const {
    const auto declaration = clang_getCursorReferenced(call);
    const auto kind = clang_getCursorKind(declaration);
    const auto caller_file = location_of(call).file;
    auto named = [&](const std::string& function_usr, const std::string& name) {
        CallTarget target{name};
        target.definition = program_.definition_for_call(function_usr, caller_file);
        if (target.definition == nullptr) {
            target.api = find_api(name);
        }
        return target;
    };
    if (kind == CXCursor_Constructor || kind == CXCursor_CXXMethod) {
        const auto member = spelling(declaration);
        if (const auto* api = find_stream_api(owning_class_name(declaration), member)) {
            return {CallTarget{member, nullptr, api, true}};
        }
        auto target = named(usr_of(declaration), member);
        if (target.definition == nullptr) {
            target.api = nullptr;
            target.is_library_constructor = kind == CXCursor_Constructor;
            target.is_library_member = kind == CXCursor_CXXMethod;
        }
        return {target};
    }
    if (kind == CXCursor_FunctionDecl) {
        return {named(usr_of(declaration), spelling(declaration))};
    }
    // A call through a pointer: whatever functions the pointer may hold.
    const auto parts = children(call);
    if (parts.empty()) {
        return {};
    }
    std::vector<CallTarget> targets;
    for (const auto& value : resolve_foreign(evaluate(parts.front(), function), {}).values()) {
        if (value.kind == Value::Kind::function) {
            targets.push_back(named(value.text, value.name));
        }
    }
    return targets;
}

ValueSet DataFlow::evaluate_call(CXCursor call, const std::string& function) const {
    const auto arguments = call_arguments(call);
    ValueSet result;
    for (const auto& target : targets_of(call, function)) {
        if (target.definition != nullptr) {
            const auto returned = returns_.find(target.definition->id);
            if (returned != returns_.end()) {
                result.insert_all(
                    substitute(returned->second, {call, function, target.definition->id}));
            }
            continue;
        }
        int path = none;
        if (target.api != nullptr && target.api->kind == ApiKind::open &&
            !(target.is_stream_member && target.api->name == "open")) {
            path = target.api->path;
        } else if (target.name == "syscall" && !arguments.empty()) {
            if (const auto number = evaluate(arguments[0], function).single_number()) {
                path = syscall_path_argument(*number);
            }
        }
        if (path != none && static_cast<std::size_t>(path) < arguments.size()) {
            const auto where = location_of(call);
            for (const auto& value : evaluate(arguments[path], function).values()) {
                if (value.kind == Value::Kind::unknown) {
                    result.insert(value);
                } else {
                    result.insert(Value::of_descriptor(value).with_note(
                        {where, fmt::format("opened here by '{}'", target.name)}));
                }
            }
            continue;
        }
        if (target.api != nullptr && target.api->kind == ApiKind::same_as_argument &&
            !arguments.empty()) {
            result.insert_all(evaluate(arguments[0], function));
            continue;
        }
        // Library value types carry what they were built from: std::string("/dev/mem"),
        // std::streampos(0xF0000), a stream wrapping a filebuf.
        if (target.is_library_constructor && !arguments.empty()) {
            result.insert_all(evaluate(arguments[0], function));
            continue;
        }
        if (target.is_library_member && is_accessor(target.name)) {
            result.insert_all(evaluate(member_call_object(call), function));
            continue;
        }
        result.insert(Value::unknown_value());
    }
    return result.empty() ? ValueSet(Value::unknown_value()) : result;
}

ValueSet DataFlow::substitute(const ValueSet& values, const CallSite& site) const {
    const auto arguments = call_arguments(site.call);
    const std::function<ValueSet(const Value&)> substitute_value = [&](const Value& value) {
        if (value.kind == Value::Kind::parameter && value.text == site.callee) {
            if (value.index >= arguments.size()) {
                return ValueSet(Value::unknown_value());
            }
            const auto* callee = program_.find_function(site.callee);
            const TraceNote passed{location_of(site.call),
                                   fmt::format("passed to '{}' as parameter '{}'",
                                               callee != nullptr ? callee->name : "?", value.name)};
            ValueSet passed_values;
            for (const auto& argument : evaluate(arguments[value.index], site.caller).values()) {
                const auto adjusted = argument.adjusted_by(value.adjustments);
                passed_values.insert(argument.kind == Value::Kind::string ||
                                             argument.kind == Value::Kind::descriptor ||
                                             argument.kind == Value::Kind::parameter
                                         ? adjusted.with_note(passed)
                                         : adjusted);
            }
            return passed_values;
        }
        if (value.kind == Value::Kind::descriptor) {
            return descriptors_of(substitute_value(*value.operands[0]), value.trace);
        }
        if (value.kind == Value::Kind::arithmetic) {
            return combine(value.op, substitute_value(*value.operands[0]),
                           substitute_value(*value.operands[1]));
        }
        return ValueSet(value);
    };
    ValueSet result;
    for (const auto& value : values.values()) {
        result.insert_all(substitute_value(value));
    }
    return result;
}

ValueSet DataFlow::resolve_value(const Value& value, const std::string& except, int depth) const {
    if (value.kind == Value::Kind::parameter && value.text != except) {
        ValueSet result;
        if (depth > 0) {
            for (const auto& site : call_sites_of(value.text)) {
                result.insert_all(
                    resolve_foreign(substitute(ValueSet(value), site), except, depth - 1));
            }
        }
        return result.empty() ? ValueSet(Value::unknown_value()) : result;
    }
    if (value.kind == Value::Kind::descriptor) {
        return descriptors_of(resolve_value(*value.operands[0], except, depth), value.trace);
    }
    if (value.kind == Value::Kind::arithmetic) {
        return combine(value.op, resolve_value(*value.operands[0], except, depth),
                       resolve_value(*value.operands[1], except, depth));
    }
    return ValueSet(value);
}

ValueSet DataFlow::resolve_foreign(const ValueSet& values, const std::string& except,
                                   int depth) const {
    ValueSet result;
    for (const auto& value : values.values()) {
        result.insert_all(resolve_value(value, except, depth));
    }
    return result;
}

} // namespace devmem::scan::detail
