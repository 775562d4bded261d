#pragma once

// Small RAII and convenience layer over libclang's C API, private to the analyzer.

#include "devmem/scan/finding.hpp"

#include <clang-c/Index.h>

#include <functional>
#include <string>
#include <vector>

namespace devmem::scan::detail {

std::string take_string(CXString text);
// argv-style pointers into the strings, which must outlive them.
std::vector<const char*> c_strings(const std::vector<std::string>& strings);

std::string spelling(CXCursor cursor);
std::string usr(CXCursor cursor);
// A file's name as reports give it: its real path when libclang knows it.
std::string file_name(CXFile file);
// The location as the user sees it: where a macro was expanded, not where it was defined.
SourceLocation location_of(CXSourceLocation location);
SourceLocation location_of(CXCursor cursor);
// Byte offset of the cursor in its file, for ordering cursors of one function.
unsigned offset_of(CXCursor cursor);
bool is_in_system_header(CXCursor cursor);

// For unordered containers of cursors: one AST node, however it was reached.
struct CursorHash {
    std::size_t operator()(CXCursor cursor) const { return clang_hashCursor(cursor); }
};
struct SameCursor {
    bool operator()(CXCursor a, CXCursor b) const { return clang_equalCursors(a, b) != 0; }
};

std::vector<CXCursor> children(CXCursor cursor);
// Every cursor below root, in order.
void visit_descendants(CXCursor root, const std::function<void(CXCursor)>& visit);
// The cursors below root, in order, not looking inside one for which visit returns false.
void visit_descendants_while(CXCursor root, const std::function<bool(CXCursor)>& visit);
// ++ or --, before or after.
bool is_increment_or_decrement(CXUnaryOperatorKind op);
// Looks through parentheses, implicit conversions and casts.
CXCursor strip_wrappers(CXCursor expression);
// Looks through parentheses only: whether the expression is converted to its value still shows.
CXCursor without_parentheses(CXCursor expression);
// The argument cursors of a call, in order.
std::vector<CXCursor> call_arguments(CXCursor call);
// For `object.method(...)`, the object expression; a null cursor otherwise.
CXCursor member_call_object(CXCursor call);
// The name of the class a method or constructor belongs to ("basic_ifstream").
std::string owning_class_name(CXCursor method);

} // namespace devmem::scan::detail
