#include "straight_line_definitions.hpp"

#include "libclang_support.hpp"

#include <functional>
#include <unordered_set>

namespace devmem::scan::detail {

namespace {

using VariableSet = std::unordered_set<CXCursor, CursorHash, SameCursor>;
// A variable and the expression it certainly holds at this point of the walk.
using Environment = std::unordered_map<CXCursor, CXCursor, CursorHash, SameCursor>;
using Definitions = std::unordered_map<CXCursor, CXCursor, CursorHash, SameCursor>;

// Calls note on root and on every cursor below it.
void each_cursor(CXCursor root, const std::function<void(CXCursor)>& note) {
    note(root);
    visit_descendants(root, note);
}

// The local variable an expression names, or a null cursor.
CXCursor variable_named(CXCursor expression) {
    const auto inner = without_parentheses(expression);
    if (clang_getCursorKind(inner) != CXCursor_DeclRefExpr) {
        return clang_getNullCursor();
    }
    const auto declaration = clang_getCursorReferenced(inner);
    return clang_getCursorKind(declaration) == CXCursor_VarDecl ? declaration
                                                                : clang_getNullCursor();
}

// The variable an assignment, compound assignment, ++ or -- changes, or a null cursor.
CXCursor changed_variable(CXCursor expression) {
    const auto kind = clang_getCursorKind(expression);
    const bool changes =
        (kind == CXCursor_BinaryOperator &&
         clang_getCursorBinaryOperatorKind(expression) == CXBinaryOperator_Assign) ||
        kind == CXCursor_CompoundAssignOperator ||
        (kind == CXCursor_UnaryOperator &&
         is_increment_or_decrement(clang_getCursorUnaryOperatorKind(expression)));
    const auto parts = changes ? children(expression) : std::vector<CXCursor>{};
    return parts.empty() ? clang_getNullCursor() : variable_named(parts.front());
}

bool is_scalar(CXType type) {
    const auto kind = clang_getCanonicalType(type).kind;
    return (kind >= CXType_Bool && kind <= CXType_Int128) || kind == CXType_Pointer ||
           kind == CXType_Enum;
}

bool has_automatic_storage(CXCursor variable) {
    const auto storage = clang_Cursor_getStorageClass(variable);
    return storage == CX_SC_None || storage == CX_SC_Auto || storage == CX_SC_Register;
}

bool hides_control_flow(CXCursorKind kind) {
    return kind == CXCursor_LambdaExpr || kind == CXCursor_BlockExpr || kind == CXCursor_StmtExpr ||
           kind == CXCursor_GCCAsmStmt || kind == CXCursor_MSAsmStmt || kind == CXCursor_AsmStmt;
}

class FunctionWalk {
public:
    FunctionWalk(CXCursor function, Definitions& definitions)
        : function_(function), definitions_(definitions) {}

    void run() {
        if (!find_tracked()) {
            return;
        }
        for (const auto part : children(function_)) {
            if (clang_getCursorKind(part) == CXCursor_CompoundStmt) {
                Environment environment;
                statement(part, environment);
            }
        }
    }

private:
    // Local scalars whose every use is a read, an assignment, ++/-- or a compound assignment.
    // False when the function hides control flow the walk cannot follow.
    bool find_tracked() {
        VariableSet escaped;
        bool followable = true;
        scan_uses(function_, escaped, followable);
        for (const auto variable : escaped) {
            tracked_.erase(variable);
        }
        return followable;
    }

    void scan_uses(CXCursor root, VariableSet& escaped, bool& followable) {
        visit_descendants_while(
            root, [&](CXCursor cursor) { return classify_use(cursor, escaped, followable); });
    }

    // Notes what one cursor says of the variables; true to look inside it.
    bool classify_use(CXCursor cursor, VariableSet& escaped, bool& followable) {
        const auto kind = clang_getCursorKind(cursor);
        if (hides_control_flow(kind)) {
            followable = false;
            return false;
        }
        if (kind == CXCursor_VarDecl && is_scalar(clang_getCursorType(cursor)) &&
            clang_isVolatileQualifiedType(clang_getCursorType(cursor)) == 0 &&
            has_automatic_storage(cursor) &&
            clang_equalCursors(clang_getCursorSemanticParent(cursor), function_) != 0) {
            tracked_.insert(cursor);
        }
        // A read: the implicit lvalue-to-rvalue conversion around the name.
        if (kind == CXCursor_UnexposedExpr) {
            const auto parts = children(cursor);
            if (parts.size() == 1 && !clang_Cursor_isNull(variable_named(parts.front()))) {
                return false;
            }
        }
        if (!clang_Cursor_isNull(changed_variable(cursor))) {
            for (const auto part : children(cursor)) {
                if (clang_Cursor_isNull(variable_named(part)) &&
                    classify_use(part, escaped, followable)) {
                    scan_uses(part, escaped, followable);
                }
            }
            return false;
        }
        if (kind == CXCursor_DeclRefExpr) {
            if (const auto variable = variable_named(cursor); !clang_Cursor_isNull(variable)) {
                escaped.insert(variable);
            }
        }
        return true;
    }

    bool is_tracked(CXCursor variable) const {
        return !clang_Cursor_isNull(variable) && tracked_.count(variable) != 0;
    }

    VariableSet changed_in(CXCursor node) const {
        VariableSet changed;
        each_cursor(node, [&](CXCursor cursor) {
            if (const auto variable = changed_variable(cursor); is_tracked(variable)) {
                changed.insert(variable);
            }
        });
        return changed;
    }

    // What a statement changes and whether it holds a label, once per statement: an if-else
    // chain nests every later branch in the one before.
    struct Effects {
        VariableSet changed;
        bool has_label = false;
    };

    const Effects& effects_of(CXCursor node) {
        if (const auto known = effects_.find(node); known != effects_.end()) {
            return known->second;
        }
        Effects effects;
        const auto kind = clang_getCursorKind(node);
        if (kind >= CXCursor_FirstStmt && kind <= CXCursor_LastStmt) {
            effects.has_label = kind == CXCursor_LabelStmt;
            for (const auto part : children(node)) {
                const auto& inner = effects_of(part);
                effects.changed.insert(inner.changed.begin(), inner.changed.end());
                effects.has_label = effects.has_label || inner.has_label;
            }
        } else {
            // An expression or a declaration: no statement, so no label, inside.
            effects.changed = changed_in(node);
        }
        return effects_.emplace(node, std::move(effects)).first->second;
    }

    // Reads under node of variables in environment and not in changed get their definition.
    void record_reads(CXCursor node, const Environment& environment, const VariableSet& changed) {
        if (environment.empty()) {
            return;
        }
        each_cursor(node, [&](CXCursor cursor) {
            if (clang_getCursorKind(cursor) != CXCursor_DeclRefExpr) {
                return;
            }
            const auto variable = clang_getCursorReferenced(cursor);
            const auto known = environment.find(variable);
            if (known != environment.end() && changed.count(variable) == 0) {
                definitions_.insert_or_assign(cursor, known->second);
            }
        });
    }

    static void forget(Environment& environment, const VariableSet& variables) {
        for (const auto variable : variables) {
            environment.erase(variable);
        }
    }

    // An expression evaluated for its effect: its reads see the environment, and a plain
    // `variable = value` at its top defines the variable for what follows.
    void expression(CXCursor node, Environment& environment) {
        const auto changed = changed_in(node);
        record_reads(node, environment, changed);
        forget(environment, changed);
        const auto top = without_parentheses(node);
        if (clang_getCursorKind(top) != CXCursor_BinaryOperator ||
            clang_getCursorBinaryOperatorKind(top) != CXBinaryOperator_Assign) {
            return;
        }
        const auto parts = children(top);
        const auto variable = parts.size() == 2 ? variable_named(parts[0]) : clang_getNullCursor();
        if (is_tracked(variable) && changed_in(parts[1]).count(variable) == 0) {
            environment.insert_or_assign(variable, parts[1]);
        }
    }

    void declarations(CXCursor node, Environment& environment) {
        for (const auto part : children(node)) {
            if (clang_getCursorKind(part) != CXCursor_VarDecl) {
                continue;
            }
            const auto initializer = clang_Cursor_getVarDeclInitializer(part);
            if (!clang_Cursor_isNull(initializer)) {
                expression(initializer, environment);
            }
            environment.erase(part);
            if (is_tracked(part) && !clang_Cursor_isNull(initializer) &&
                clang_getCursorKind(initializer) != CXCursor_InitListExpr) {
                environment.insert_or_assign(part, initializer);
            }
        }
    }

    // A statement whose parts may run in any order or repeatedly (a loop, a switch, the
    // branches of an if): each part starts from what holds before the statement for the
    // variables no part changes, and so does what follows. A label inside lets other paths in.
    void any_order(CXCursor node, const std::vector<CXCursor>& parts, Environment& environment) {
        const auto& effects = effects_of(node);
        forget(environment, effects.changed);
        if (effects.has_label) {
            environment.clear();
        }
        for (const auto part : parts) {
            Environment inside = environment;
            statement(part, inside);
        }
    }

    void statement(CXCursor node, Environment& environment) {
        const auto kind = clang_getCursorKind(node);
        auto parts = children(node);
        switch (kind) {
        case CXCursor_CompoundStmt:
            for (const auto part : parts) {
                statement(part, environment);
            }
            return;
        case CXCursor_DeclStmt:
            declarations(node, environment);
            return;
        case CXCursor_LabelStmt:
        case CXCursor_CaseStmt:
        case CXCursor_DefaultStmt:
            environment.clear();
            if (!parts.empty()) {
                statement(parts.back(), environment);
            }
            return;
        case CXCursor_IfStmt:
            // The condition runs first; which of the rest run, and in which order (an init
            // statement, the branches), is left open.
            if (!parts.empty() && clang_isExpression(clang_getCursorKind(parts.front())) != 0) {
                expression(parts.front(), environment);
                parts.erase(parts.begin());
            }
            any_order(node, parts, environment);
            return;
        case CXCursor_WhileStmt:
        case CXCursor_DoStmt:
        case CXCursor_ForStmt:
        case CXCursor_SwitchStmt:
            any_order(node, parts, environment);
            return;
        case CXCursor_ReturnStmt:
            for (const auto part : parts) {
                expression(part, environment);
            }
            return;
        case CXCursor_GotoStmt:
        case CXCursor_BreakStmt:
        case CXCursor_ContinueStmt:
        case CXCursor_NullStmt:
            return;
        default:
            if (clang_isExpression(kind) != 0) {
                expression(node, environment);
            } else {
                any_order(node, {}, environment);
            }
            return;
        }
    }

    CXCursor function_;
    Definitions& definitions_;
    VariableSet tracked_;
    std::unordered_map<CXCursor, Effects, CursorHash, SameCursor> effects_;
};

} // namespace

void StraightLineDefinitions::add_function(CXCursor function) {
    FunctionWalk(function, definitions_).run();
}

CXCursor StraightLineDefinitions::definition_of(CXCursor reference) const {
    const auto found = definitions_.find(reference);
    return found == definitions_.end() ? clang_getNullCursor() : found->second;
}

} // namespace devmem::scan::detail
