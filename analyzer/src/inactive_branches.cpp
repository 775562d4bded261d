#include "devmem/scan/device_path.hpp"
#include "fact_extraction.hpp"
#include "libclang_support.hpp"

#include <map>
#include <set>

namespace devmem::scan::detail {

namespace {

struct Token {
    CXTokenKind kind;
    std::string text;
    CXSourceLocation location;
};

std::vector<Token> tokenize(CXTranslationUnit unit, CXSourceRange range) {
    CXToken* raw = nullptr;
    unsigned count = 0;
    clang_tokenize(unit, range, &raw, &count);
    std::vector<Token> tokens;
    for (unsigned i = 0; i < count; ++i) {
        tokens.push_back({clang_getTokenKind(raw[i]),
                          take_string(clang_getTokenSpelling(unit, raw[i])),
                          clang_getTokenLocation(unit, raw[i])});
    }
    clang_disposeTokens(unit, raw, count);
    return tokens;
}

// The contents of a plain string literal token; escapes are not needed for device paths.
std::optional<std::string> string_literal(const Token& token) {
    if (token.kind != CXToken_Literal || token.text.size() < 2 || token.text.front() != '"' ||
        token.text.back() != '"') {
        return std::nullopt;
    }
    return token.text.substr(1, token.text.size() - 2);
}

// Macros spelled `#define NAME "..."`, from the active code and from the skipped branches, so
// that `open(DEV_MEM, ...)` in an inactive branch is recognised whichever branch defines it.
using PathMacros = std::map<std::string, std::string>;

void learn_macros(const std::vector<Token>& tokens, PathMacros& macros) {
    for (std::size_t i = 0; i + 3 < tokens.size(); ++i) {
        if (tokens[i].text == "#" && tokens[i + 1].text == "define" &&
            tokens[i + 2].kind == CXToken_Identifier) {
            if (const auto path = string_literal(tokens[i + 3])) {
                macros[tokens[i + 2].text] = *path;
            }
        }
    }
}

PathMacros active_path_macros(CXTranslationUnit unit) {
    PathMacros macros{{"_PATH_MEM", "/dev/mem"}, {"_PATH_KMEM", "/dev/kmem"}};
    for (const auto cursor : children(clang_getTranslationUnitCursor(unit))) {
        if (clang_getCursorKind(cursor) != CXCursor_MacroDefinition) {
            continue;
        }
        const auto tokens = tokenize(unit, clang_getCursorExtent(cursor));
        if (tokens.size() == 2) {
            if (const auto path = string_literal(tokens[1])) {
                macros[tokens[0].text] = *path;
            }
        }
    }
    return macros;
}

// The device named inside the parentheses that start at `open`, if any.
std::optional<Device> device_argument(const std::vector<Token>& tokens, std::size_t open,
                                      const PathMacros& macros) {
    int depth = 0;
    for (std::size_t i = open; i < tokens.size(); ++i) {
        const auto& token = tokens[i];
        if (token.text == "(") {
            ++depth;
        } else if (token.text == ")" && --depth == 0) {
            return std::nullopt;
        }
        std::optional<std::string> path = string_literal(token);
        if (!path && token.kind == CXToken_Identifier) {
            if (const auto macro = macros.find(token.text); macro != macros.end()) {
                path = macro->second;
            }
        }
        if (path) {
            if (const auto device = device_of_path(*path)) {
                return device;
            }
        }
    }
    return std::nullopt;
}

// The function whose body holds the location: skipped code has no cursors of its own.
std::string enclosing_function(const Program& program, CXSourceLocation location) {
    CXFile file = nullptr;
    unsigned offset = 0;
    clang_getExpansionLocation(location, &file, nullptr, nullptr, &offset);
    for (const auto& [id, function] : program.functions()) {
        const auto extent = clang_getCursorExtent(function.cursor);
        CXFile start_file = nullptr;
        unsigned start = 0;
        unsigned end = 0;
        clang_getExpansionLocation(clang_getRangeStart(extent), &start_file, nullptr, nullptr,
                                   &start);
        clang_getExpansionLocation(clang_getRangeEnd(extent), nullptr, nullptr, nullptr, &end);
        if (clang_File_isEqual(file, start_file) != 0 && start <= offset && offset < end) {
            return function.name;
        }
    }
    return {};
}

} // namespace

void find_inactive_branches(const Program& program, ProgramFacts& facts) {
    std::set<SourceLocation> seen;
    for (const auto& unit : program.units()) {
        CXSourceRangeList* skipped = clang_getAllSkippedRanges(unit.unit);
        if (skipped == nullptr) {
            continue;
        }
        auto macros = active_path_macros(unit.unit);
        std::vector<std::vector<Token>> branches;
        for (unsigned i = 0; i < skipped->count; ++i) {
            const auto start = clang_getRangeStart(skipped->ranges[i]);
            if (clang_Location_isInSystemHeader(start) != 0) {
                continue;
            }
            branches.push_back(tokenize(unit.unit, skipped->ranges[i]));
            learn_macros(branches.back(), macros);
        }
        clang_disposeSourceRangeList(skipped);
        for (const auto& tokens : branches) {
            for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
                const auto* api = find_api(tokens[i].text);
                if (tokens[i].kind != CXToken_Identifier || tokens[i + 1].text != "(" ||
                    api == nullptr || api->kind != ApiKind::open) {
                    continue;
                }
                const auto device = device_argument(tokens, i + 1, macros);
                const auto location = location_of(tokens[i].location);
                if (!device || !seen.insert(location).second) {
                    continue;
                }
                facts.inactive_branches.push_back(
                    {{location, enclosing_function(program, tokens[i].location), tokens[i].text,
                      Confidence::low},
                     *device == Device::port ? "port-io" : "device-open",
                     std::string(to_string(*device))});
            }
        }
    }
}

} // namespace devmem::scan::detail
