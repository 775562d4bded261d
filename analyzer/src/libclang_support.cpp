#include "libclang_support.hpp"

#include <algorithm>

namespace devmem::scan::detail {

std::string take_string(CXString text) {
    const char* raw = clang_getCString(text);
    std::string result = raw != nullptr ? raw : "";
    clang_disposeString(text);
    return result;
}

std::vector<const char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<const char*> pointers;
    pointers.reserve(strings.size());
    for (const auto& text : strings) {
        pointers.push_back(text.c_str());
    }
    return pointers;
}

std::string spelling(CXCursor cursor) {
    return take_string(clang_getCursorSpelling(cursor));
}

std::string usr(CXCursor cursor) {
    return take_string(clang_getCursorUSR(cursor));
}

std::string file_name(CXFile file) {
    auto name = take_string(clang_File_tryGetRealPathName(file));
    return name.empty() ? take_string(clang_getFileName(file)) : name;
}

SourceLocation location_of(CXSourceLocation location) {
    CXFile file = nullptr;
    unsigned line = 0;
    unsigned column = 0;
    clang_getExpansionLocation(location, &file, &line, &column, nullptr);
    SourceLocation result;
    if (file != nullptr) {
        result.file = file_name(file);
    }
    result.line = line;
    result.column = column;
    return result;
}

SourceLocation location_of(CXCursor cursor) {
    return location_of(clang_getCursorLocation(cursor));
}

unsigned offset_of(CXCursor cursor) {
    unsigned offset = 0;
    clang_getExpansionLocation(clang_getCursorLocation(cursor), nullptr, nullptr, nullptr, &offset);
    return offset;
}

bool is_in_system_header(CXCursor cursor) {
    return clang_Location_isInSystemHeader(clang_getCursorLocation(cursor)) != 0;
}

std::vector<CXCursor> children(CXCursor cursor) {
    std::vector<CXCursor> result;
    clang_visitChildren(
        cursor,
        [](CXCursor child, CXCursor, CXClientData data) {
            static_cast<std::vector<CXCursor>*>(data)->push_back(child);
            return CXChildVisit_Continue;
        },
        &result);
    return result;
}

CXCursor strip_wrappers(CXCursor expression) {
    for (;;) {
        const auto kind = clang_getCursorKind(expression);
        if (kind != CXCursor_UnexposedExpr && kind != CXCursor_ParenExpr &&
            kind != CXCursor_CStyleCastExpr && kind != CXCursor_CXXStaticCastExpr &&
            kind != CXCursor_CXXReinterpretCastExpr && kind != CXCursor_CXXConstCastExpr &&
            kind != CXCursor_CXXFunctionalCastExpr) {
            return expression;
        }
        const auto inner = children(expression);
        if (inner.empty()) {
            return expression;
        }
        // A cast's type appears as a TypeRef child before the operand.
        expression = inner.back();
    }
}

void visit_descendants(CXCursor root, const std::function<void(CXCursor)>& visit) {
    visit_descendants_while(root, [&](CXCursor cursor) {
        visit(cursor);
        return true;
    });
}

void visit_descendants_while(CXCursor root, const std::function<bool(CXCursor)>& visit) {
    clang_visitChildren(
        root,
        [](CXCursor cursor, CXCursor, CXClientData data) {
            const auto& inner = *static_cast<const std::function<bool(CXCursor)>*>(data);
            return inner(cursor) ? CXChildVisit_Recurse : CXChildVisit_Continue;
        },
        const_cast<std::function<bool(CXCursor)>*>(&visit));
}

bool is_increment_or_decrement(CXUnaryOperatorKind op) {
    return op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PostInc ||
           op == CXUnaryOperator_PreDec || op == CXUnaryOperator_PostDec;
}

CXCursor without_parentheses(CXCursor expression) {
    while (clang_getCursorKind(expression) == CXCursor_ParenExpr) {
        const auto inner = children(expression);
        if (inner.size() != 1) {
            break;
        }
        expression = inner.front();
    }
    return expression;
}

std::vector<CXCursor> call_arguments(CXCursor call) {
    std::vector<CXCursor> arguments;
    const int count = std::max(clang_Cursor_getNumArguments(call), 0);
    arguments.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        arguments.push_back(clang_Cursor_getArgument(call, static_cast<unsigned>(i)));
    }
    return arguments;
}

CXCursor member_call_object(CXCursor call) {
    const auto parts = children(call);
    if (parts.empty()) {
        return clang_getNullCursor();
    }
    const auto callee = strip_wrappers(parts.front());
    if (clang_getCursorKind(callee) != CXCursor_MemberRefExpr) {
        return clang_getNullCursor();
    }
    const auto object = children(callee);
    return object.empty() ? clang_getNullCursor() : strip_wrappers(object.front());
}

std::string owning_class_name(CXCursor method) {
    auto parent = clang_getCursorSemanticParent(method);
    const auto specialized = clang_getSpecializedCursorTemplate(parent);
    if (!clang_Cursor_isNull(specialized)) {
        parent = specialized;
    }
    return spelling(parent);
}

} // namespace devmem::scan::detail
