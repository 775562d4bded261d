#pragma once

// Which assignment a read of a local variable certainly sees. The data flow is flow-insensitive:
// without this, a variable assigned twice, as in mcelog's
//     length = efi_length; ... legacy: length = segsize - 1; mmap(NULL, length, ..., 0xf0000);
// gives the second mapping both lengths. Only straight-line code counts: a label, a loop or a
// branch that changes the variable, or any use other than a read or an assignment (its address
// taken, a reference bound to it) stops the search, and the read is left to the store.

#include "libclang_support.hpp"

#include <clang-c/Index.h>

#include <unordered_map>

namespace devmem::scan::detail {

class StraightLineDefinitions {
public:
    // Records the reads in one function's body that have a certain definition. A function with
    // lambdas, blocks, statement expressions or inline assembly records none.
    void add_function(CXCursor function);

    // The expression whose value a read (a DeclRefExpr of a local variable) certainly has: an
    // initialiser or the right-hand side of an assignment. A null cursor when there is none.
    CXCursor definition_of(CXCursor reference) const;

private:
    std::unordered_map<CXCursor, CXCursor, CursorHash, SameCursor> definitions_;
};

} // namespace devmem::scan::detail
