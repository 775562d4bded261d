#include "libclang_loader.hpp"

#include "devmem/scan/analyzer.hpp"

#include <clang-c/Index.h>
#include <dlfcn.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include <cstdlib>

namespace devmem::scan::detail {

std::filesystem::path libclang_library() {
    const char* chosen = ::secure_getenv("DEVMEM_SCAN_LIBCLANG");
    return chosen != nullptr && *chosen != '\0' ? chosen : DEVMEM_SCAN_LIBCLANG_LIBRARY;
}

std::string libclang_identity() {
    const auto library = libclang_library();
    struct stat status {};
    if (::stat(library.c_str(), &status) != 0) {
        return library.string();
    }
    return fmt::format("{} {} {}.{}", library.string(), status.st_size, status.st_mtim.tv_sec,
                       status.st_mtim.tv_nsec);
}

namespace {

void* libclang_handle() {
    // Loaded once, by whichever thread calls first; a failed load throws and is retried.
    static void* const handle = [] {
        const auto library = libclang_library();
        void* loaded = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (loaded == nullptr) {
            throw ToolchainError(
                fmt::format("cannot load libclang ({}); install the Debian package "
                            "'libclang1-19' or set DEVMEM_SCAN_LIBCLANG",
                            ::dlerror()));
        }
        return loaded;
    }();
    return handle;
}

} // namespace

// Throws ToolchainError when the library cannot be loaded or lacks the function. The first call
// into libclang is always the analyzer's own (check_toolchain, before any parse), never one made
// from inside a libclang callback, so the exception reaches the command line's error handling.
template <typename Function> Function* libclang_function(const char* name) {
    void* address = ::dlsym(libclang_handle(), name);
    if (address == nullptr) {
        throw ToolchainError(fmt::format("{} is not the libclang devmem-scan needs: it lacks {}",
                                         libclang_library().string(), name));
    }
    return reinterpret_cast<Function*>(address);
}

} // namespace devmem::scan::detail

// Each function below forwards to the library's own, looked up on its first call.
#define DEVMEM_LIBCLANG_TARGET(name)                                                               \
    static auto* const target = devmem::scan::detail::libclang_function<decltype(name)>(#name)

extern "C" {

CXEvalResult clang_Cursor_Evaluate(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_Cursor_Evaluate);
    return target(cursor);
}

CXCursor clang_Cursor_getArgument(CXCursor cursor, unsigned index) {
    DEVMEM_LIBCLANG_TARGET(clang_Cursor_getArgument);
    return target(cursor, index);
}

int clang_Cursor_getNumArguments(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_Cursor_getNumArguments);
    return target(cursor);
}

CXTranslationUnit clang_Cursor_getTranslationUnit(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_Cursor_getTranslationUnit);
    return target(cursor);
}

enum CX_StorageClass clang_Cursor_getStorageClass(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_Cursor_getStorageClass);
    return target(cursor);
}

CXCursor clang_Cursor_getVarDeclInitializer(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_Cursor_getVarDeclInitializer);
    return target(cursor);
}

int clang_Cursor_isNull(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_Cursor_isNull);
    return target(cursor);
}

void clang_EvalResult_dispose(CXEvalResult result) {
    DEVMEM_LIBCLANG_TARGET(clang_EvalResult_dispose);
    return target(result);
}

long long clang_EvalResult_getAsLongLong(CXEvalResult result) {
    DEVMEM_LIBCLANG_TARGET(clang_EvalResult_getAsLongLong);
    return target(result);
}

const char* clang_EvalResult_getAsStr(CXEvalResult result) {
    DEVMEM_LIBCLANG_TARGET(clang_EvalResult_getAsStr);
    return target(result);
}

unsigned long long clang_EvalResult_getAsUnsigned(CXEvalResult result) {
    DEVMEM_LIBCLANG_TARGET(clang_EvalResult_getAsUnsigned);
    return target(result);
}

CXEvalResultKind clang_EvalResult_getKind(CXEvalResult result) {
    DEVMEM_LIBCLANG_TARGET(clang_EvalResult_getKind);
    return target(result);
}

unsigned clang_EvalResult_isUnsignedInt(CXEvalResult result) {
    DEVMEM_LIBCLANG_TARGET(clang_EvalResult_isUnsignedInt);
    return target(result);
}

CXString clang_File_tryGetRealPathName(CXFile file) {
    DEVMEM_LIBCLANG_TARGET(clang_File_tryGetRealPathName);
    return target(file);
}

int clang_Location_isInSystemHeader(CXSourceLocation location) {
    DEVMEM_LIBCLANG_TARGET(clang_Location_isInSystemHeader);
    return target(location);
}

CXIndex clang_createIndex(int exclude_declarations_from_pch, int display_diagnostics) {
    DEVMEM_LIBCLANG_TARGET(clang_createIndex);
    return target(exclude_declarations_from_pch, display_diagnostics);
}

enum CXErrorCode clang_createTranslationUnit2(CXIndex index, const char* ast_filename,
                                              CXTranslationUnit* out_unit) {
    DEVMEM_LIBCLANG_TARGET(clang_createTranslationUnit2);
    return target(index, ast_filename, out_unit);
}

unsigned clang_defaultSaveOptions(CXTranslationUnit unit) {
    DEVMEM_LIBCLANG_TARGET(clang_defaultSaveOptions);
    return target(unit);
}

void clang_disposeDiagnostic(CXDiagnostic diagnostic) {
    DEVMEM_LIBCLANG_TARGET(clang_disposeDiagnostic);
    return target(diagnostic);
}

void clang_disposeIndex(CXIndex index) {
    DEVMEM_LIBCLANG_TARGET(clang_disposeIndex);
    return target(index);
}

void clang_disposeSourceRangeList(CXSourceRangeList* ranges) {
    DEVMEM_LIBCLANG_TARGET(clang_disposeSourceRangeList);
    return target(ranges);
}

void clang_disposeString(CXString string) {
    DEVMEM_LIBCLANG_TARGET(clang_disposeString);
    return target(string);
}

void clang_disposeTokens(CXTranslationUnit unit, CXToken* tokens, unsigned num_tokens) {
    DEVMEM_LIBCLANG_TARGET(clang_disposeTokens);
    return target(unit, tokens, num_tokens);
}

void clang_disposeTranslationUnit(CXTranslationUnit unit) {
    DEVMEM_LIBCLANG_TARGET(clang_disposeTranslationUnit);
    return target(unit);
}

unsigned clang_equalCursors(CXCursor first, CXCursor second) {
    DEVMEM_LIBCLANG_TARGET(clang_equalCursors);
    return target(first, second);
}

CXString clang_formatDiagnostic(CXDiagnostic diagnostic, unsigned options) {
    DEVMEM_LIBCLANG_TARGET(clang_formatDiagnostic);
    return target(diagnostic, options);
}

CXSourceRangeList* clang_getAllSkippedRanges(CXTranslationUnit unit) {
    DEVMEM_LIBCLANG_TARGET(clang_getAllSkippedRanges);
    return target(unit);
}

const char* clang_getCString(CXString string) {
    DEVMEM_LIBCLANG_TARGET(clang_getCString);
    return target(string);
}

CXType clang_getCanonicalType(CXType type) {
    DEVMEM_LIBCLANG_TARGET(clang_getCanonicalType);
    return target(type);
}

CXString clang_getClangVersion() {
    DEVMEM_LIBCLANG_TARGET(clang_getClangVersion);
    return target();
}

enum CXBinaryOperatorKind clang_getCursorBinaryOperatorKind(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getCursorBinaryOperatorKind);
    return target(cursor);
}

CXSourceRange clang_getCursorExtent(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getCursorExtent);
    return target(cursor);
}

enum CXCursorKind clang_getCursorKind(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getCursorKind);
    return target(cursor);
}

CXSourceLocation clang_getCursorLocation(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getCursorLocation);
    return target(cursor);
}

enum CXLinkageKind clang_getCursorLinkage(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getCursorLinkage);
    return target(cursor);
}

unsigned clang_isFunctionTypeVariadic(CXType type) {
    DEVMEM_LIBCLANG_TARGET(clang_isFunctionTypeVariadic);
    return target(type);
}

CXCursor clang_getCursorReferenced(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getCursorReferenced);
    return target(cursor);
}

CXCursor clang_getCursorSemanticParent(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getCursorSemanticParent);
    return target(cursor);
}

CXString clang_getCursorSpelling(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getCursorSpelling);
    return target(cursor);
}

CXType clang_getCursorType(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getCursorType);
    return target(cursor);
}

CXString clang_getCursorUSR(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getCursorUSR);
    return target(cursor);
}

enum CXUnaryOperatorKind clang_getCursorUnaryOperatorKind(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getCursorUnaryOperatorKind);
    return target(cursor);
}

CXDiagnosticSet clang_getChildDiagnostics(CXDiagnostic diagnostic) {
    DEVMEM_LIBCLANG_TARGET(clang_getChildDiagnostics);
    return target(diagnostic);
}

CXDiagnostic clang_getDiagnostic(CXTranslationUnit unit, unsigned index) {
    DEVMEM_LIBCLANG_TARGET(clang_getDiagnostic);
    return target(unit, index);
}

CXDiagnostic clang_getDiagnosticInSet(CXDiagnosticSet diagnostics, unsigned index) {
    DEVMEM_LIBCLANG_TARGET(clang_getDiagnosticInSet);
    return target(diagnostics, index);
}

CXSourceLocation clang_getDiagnosticLocation(CXDiagnostic diagnostic) {
    DEVMEM_LIBCLANG_TARGET(clang_getDiagnosticLocation);
    return target(diagnostic);
}

enum CXDiagnosticSeverity clang_getDiagnosticSeverity(CXDiagnostic diagnostic) {
    DEVMEM_LIBCLANG_TARGET(clang_getDiagnosticSeverity);
    return target(diagnostic);
}

CXString clang_getDiagnosticSpelling(CXDiagnostic diagnostic) {
    DEVMEM_LIBCLANG_TARGET(clang_getDiagnosticSpelling);
    return target(diagnostic);
}

CXType clang_getElementType(CXType type) {
    DEVMEM_LIBCLANG_TARGET(clang_getElementType);
    return target(type);
}

unsigned long long clang_getEnumConstantDeclUnsignedValue(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getEnumConstantDeclUnsignedValue);
    return target(cursor);
}

void clang_getExpansionLocation(CXSourceLocation location, CXFile* file, unsigned* line,
                                unsigned* column, unsigned* offset) {
    DEVMEM_LIBCLANG_TARGET(clang_getExpansionLocation);
    return target(location, file, line, column, offset);
}

const char* clang_getFileContents(CXTranslationUnit unit, CXFile file, size_t* size) {
    DEVMEM_LIBCLANG_TARGET(clang_getFileContents);
    return target(unit, file, size);
}

CXString clang_getFileName(CXFile file) {
    DEVMEM_LIBCLANG_TARGET(clang_getFileName);
    return target(file);
}

int clang_getFileUniqueID(CXFile file, CXFileUniqueID* id) {
    DEVMEM_LIBCLANG_TARGET(clang_getFileUniqueID);
    return target(file, id);
}

void clang_getInclusions(CXTranslationUnit unit, CXInclusionVisitor visitor,
                         CXClientData client_data) {
    DEVMEM_LIBCLANG_TARGET(clang_getInclusions);
    return target(unit, visitor, client_data);
}

CXSourceLocation clang_getLocationForOffset(CXTranslationUnit unit, CXFile file, unsigned offset) {
    DEVMEM_LIBCLANG_TARGET(clang_getLocationForOffset);
    return target(unit, file, offset);
}

CXCursor clang_getNullCursor() {
    DEVMEM_LIBCLANG_TARGET(clang_getNullCursor);
    return target();
}

unsigned clang_getNumDiagnostics(CXTranslationUnit unit) {
    DEVMEM_LIBCLANG_TARGET(clang_getNumDiagnostics);
    return target(unit);
}

unsigned clang_getNumDiagnosticsInSet(CXDiagnosticSet diagnostics) {
    DEVMEM_LIBCLANG_TARGET(clang_getNumDiagnosticsInSet);
    return target(diagnostics);
}

CXSourceLocation clang_getRangeEnd(CXSourceRange range) {
    DEVMEM_LIBCLANG_TARGET(clang_getRangeEnd);
    return target(range);
}

CXSourceLocation clang_getRangeStart(CXSourceRange range) {
    DEVMEM_LIBCLANG_TARGET(clang_getRangeStart);
    return target(range);
}

CXCursor clang_getSpecializedCursorTemplate(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_getSpecializedCursorTemplate);
    return target(cursor);
}

void clang_getSpellingLocation(CXSourceLocation location, CXFile* file, unsigned* line,
                               unsigned* column, unsigned* offset) {
    DEVMEM_LIBCLANG_TARGET(clang_getSpellingLocation);
    return target(location, file, line, column, offset);
}

CXTokenKind clang_getTokenKind(CXToken token) {
    DEVMEM_LIBCLANG_TARGET(clang_getTokenKind);
    return target(token);
}

CXSourceLocation clang_getTokenLocation(CXTranslationUnit unit, CXToken token) {
    DEVMEM_LIBCLANG_TARGET(clang_getTokenLocation);
    return target(unit, token);
}

CXString clang_getTokenSpelling(CXTranslationUnit unit, CXToken token) {
    DEVMEM_LIBCLANG_TARGET(clang_getTokenSpelling);
    return target(unit, token);
}

CXType clang_getPointeeType(CXType type) {
    DEVMEM_LIBCLANG_TARGET(clang_getPointeeType);
    return target(type);
}

CXCursor clang_getTranslationUnitCursor(CXTranslationUnit unit) {
    DEVMEM_LIBCLANG_TARGET(clang_getTranslationUnitCursor);
    return target(unit);
}

CXCursor clang_getTypeDeclaration(CXType type) {
    DEVMEM_LIBCLANG_TARGET(clang_getTypeDeclaration);
    return target(type);
}

unsigned clang_hashCursor(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_hashCursor);
    return target(cursor);
}

unsigned clang_isCursorDefinition(CXCursor cursor) {
    DEVMEM_LIBCLANG_TARGET(clang_isCursorDefinition);
    return target(cursor);
}

unsigned clang_isConstQualifiedType(CXType type) {
    DEVMEM_LIBCLANG_TARGET(clang_isConstQualifiedType);
    return target(type);
}

unsigned clang_isExpression(enum CXCursorKind kind) {
    DEVMEM_LIBCLANG_TARGET(clang_isExpression);
    return target(kind);
}

unsigned clang_isVolatileQualifiedType(CXType type) {
    DEVMEM_LIBCLANG_TARGET(clang_isVolatileQualifiedType);
    return target(type);
}

enum CXErrorCode clang_parseTranslationUnit2(CXIndex index, const char* source_filename,
                                             const char* const* command_line_args,
                                             int num_command_line_args,
                                             struct CXUnsavedFile* unsaved_files,
                                             unsigned num_unsaved_files, unsigned options,
                                             CXTranslationUnit* out_unit) {
    DEVMEM_LIBCLANG_TARGET(clang_parseTranslationUnit2);
    return target(index, source_filename, command_line_args, num_command_line_args, unsaved_files,
                  num_unsaved_files, options, out_unit);
}

int clang_saveTranslationUnit(CXTranslationUnit unit, const char* file_name, unsigned options) {
    DEVMEM_LIBCLANG_TARGET(clang_saveTranslationUnit);
    return target(unit, file_name, options);
}

void clang_tokenize(CXTranslationUnit unit, CXSourceRange range, CXToken** tokens,
                    unsigned* num_tokens) {
    DEVMEM_LIBCLANG_TARGET(clang_tokenize);
    return target(unit, range, tokens, num_tokens);
}

unsigned clang_visitChildren(CXCursor parent, CXCursorVisitor visitor, CXClientData client_data) {
    DEVMEM_LIBCLANG_TARGET(clang_visitChildren);
    return target(parent, visitor, client_data);
}

} // extern "C"
