#include "program.hpp"

#include "libclang_support.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace devmem::scan::detail {

namespace {

constexpr unsigned parse_options =
    CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;

bool is_function_definition(CXCursor cursor) {
    switch (clang_getCursorKind(cursor)) {
    case CXCursor_FunctionDecl:
    case CXCursor_CXXMethod:
    case CXCursor_Constructor:
    case CXCursor_Destructor:
    case CXCursor_FunctionTemplate:
        return clang_isCursorDefinition(cursor) != 0;
    default:
        return false;
    }
}

std::string first_error(CXTranslationUnit unit) {
    const unsigned count = clang_getNumDiagnostics(unit);
    for (unsigned i = 0; i < count; ++i) {
        CXDiagnostic diagnostic = clang_getDiagnostic(unit, i);
        const auto severity = clang_getDiagnosticSeverity(diagnostic);
        std::string text;
        if (severity >= CXDiagnostic_Error) {
            text = take_string(clang_formatDiagnostic(
                diagnostic, CXDiagnostic_DisplaySourceLocation | CXDiagnostic_DisplayColumn));
        }
        clang_disposeDiagnostic(diagnostic);
        if (!text.empty()) {
            return text;
        }
    }
    return {};
}

} // namespace

std::vector<std::string> parser_arguments(const CompileJob& job, const AnalyzerOptions& options) {
    std::vector<std::string> arguments = job.arguments;
    arguments.insert(arguments.end(), options.extra_arguments.begin(),
                     options.extra_arguments.end());
    if (!options.resource_dir.empty()) {
        arguments.push_back("-resource-dir");
        arguments.push_back(options.resource_dir);
    }
    if (!job.directory.empty()) {
        arguments.push_back("-working-directory");
        arguments.push_back(job.directory.string());
    }
    // Diagnostics are not this tool's business; only hard errors are reported, as notes.
    arguments.push_back("-Wno-everything");
    return arguments;
}

Program::Program(const std::vector<CompileJob>& jobs, const AnalyzerOptions& options,
                 std::vector<RunNote>& notes)
    : index_(clang_createIndex(0, 0)) {
    for (const auto& job : jobs) {
        const auto arguments = parser_arguments(job, options);
        const auto argv = c_strings(arguments);
        CXTranslationUnit unit = nullptr;
        const auto status = clang_parseTranslationUnit2(index_, job.file.c_str(), argv.data(),
                                                        static_cast<int>(argv.size()), nullptr, 0,
                                                        parse_options, &unit);
        if (status != CXError_Success || unit == nullptr) {
            notes.push_back({{job.file.string(), 0, 0},
                             fmt::format("could not be parsed (libclang error {}); skipped",
                                         static_cast<int>(status))});
            continue;
        }
        if (const auto error = first_error(unit); !error.empty()) {
            notes.push_back({{job.file.string(), 0, 0},
                             fmt::format("has errors, only what parsed is analysed: {}", error)});
        }
        TranslationUnit parsed{unit, job.inferred ? Confidence::low : Confidence::high};
        units_.push_back(parsed);
        index_unit(parsed);
    }
}

Program::~Program() {
    for (const auto& unit : units_) {
        clang_disposeTranslationUnit(unit.unit);
    }
    clang_disposeIndex(index_);
}

const FunctionDefinition* Program::find_function(const std::string& id) const {
    const auto it = functions_.find(id);
    return it == functions_.end() ? nullptr : &it->second;
}

const FunctionDefinition* Program::definition_for_call(const std::string& usr,
                                                       const std::string& caller_file) const {
    const auto candidates = ids_by_usr_.find(usr);
    if (candidates == ids_by_usr_.end()) {
        return nullptr;
    }
    const FunctionDefinition* nearest = nullptr;
    std::size_t nearest_shared = 0;
    for (const auto& id : candidates->second) {
        const auto& definition = functions_.at(id);
        const auto& file = location_of(definition.cursor).file;
        const auto shared = static_cast<std::size_t>(
            std::mismatch(file.begin(), file.end(), caller_file.begin(), caller_file.end()).first -
            file.begin());
        if (nearest == nullptr || shared > nearest_shared) {
            nearest = &definition;
            nearest_shared = shared;
        }
    }
    return nearest;
}

const TraceNote* Program::macro_expanded_at(const SourceLocation& location) const {
    const auto it = macro_expansions_.find(location);
    return it == macro_expansions_.end() ? nullptr : &it->second;
}

void Program::index_unit(const TranslationUnit& unit) {
    struct Context {
        Program* program;
        const TranslationUnit* unit;
    } context{this, &unit};
    clang_visitChildren(
        clang_getTranslationUnitCursor(unit.unit),
        [](CXCursor cursor, CXCursor parent, CXClientData data) {
            auto& [program, unit] = *static_cast<Context*>(data);
            if (is_in_system_header(cursor)) {
                return CXChildVisit_Continue;
            }
            const auto kind = clang_getCursorKind(cursor);
            if (kind == CXCursor_MacroExpansion) {
                const auto definition = clang_getCursorReferenced(cursor);
                if (!clang_Cursor_isNull(definition)) {
                    program->macro_expansions_.emplace(
                        location_of(cursor),
                        TraceNote{location_of(definition),
                                  fmt::format("expanded from macro '{}'", spelling(cursor))});
                }
                return CXChildVisit_Continue;
            }
            if (is_function_definition(cursor)) {
                auto function_usr = usr(cursor);
                const auto file = location_of(cursor).file;
                auto id = function_usr + "#" + file;
                if (program->functions_
                        .try_emplace(id, FunctionDefinition{cursor, id, function_usr,
                                                            spelling(cursor), unit->confidence})
                        .second) {
                    program->ids_by_usr_[function_usr].push_back(id);
                }
                return CXChildVisit_Continue;
            }
            if (kind == CXCursor_VarDecl && clang_getCursorKind(parent) != CXCursor_FunctionDecl &&
                !clang_Cursor_isNull(clang_Cursor_getVarDeclInitializer(cursor))) {
                program->global_initializers_.push_back(cursor);
                return CXChildVisit_Continue;
            }
            if (kind == CXCursor_FieldDecl) {
                const auto parts = children(cursor);
                if (!parts.empty() && clang_isExpression(clang_getCursorKind(parts.back()))) {
                    program->field_initializers_.push_back(cursor);
                }
                return CXChildVisit_Continue;
            }
            if (kind == CXCursor_Namespace || kind == CXCursor_ClassDecl ||
                kind == CXCursor_StructDecl || kind == CXCursor_LinkageSpec ||
                kind == CXCursor_UnexposedDecl) {
                return CXChildVisit_Recurse;
            }
            return CXChildVisit_Continue;
        },
        &context);
}

} // namespace devmem::scan::detail
