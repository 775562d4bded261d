#pragma once

// Device opens found in tokens rather than in the AST: in preprocessor branches the compiler
// skipped (DM007) and in files that did not parse. A match is an open-like call whose arguments
// spell a device path, directly or through a `#define NAME "..."`.

#include "devmem/scan/device_path.hpp"
#include "facts.hpp"
#include "program.hpp"

#include <clang-c/Index.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace devmem::scan::detail {

// Only the tokens the matching looks at are kept: identifiers, string literals and the
// punctuation that delimits a call or a directive. Numbers, operators and commas are dropped, so
// that a file of megabytes of data costs little.
struct LexicalToken {
    enum class Kind { identifier, string_literal, punctuation };
    Kind kind;
    std::string_view text; // a string literal keeps its quotes
    unsigned line = 0;
    unsigned column = 0; // 1-based, in bytes like clang's
    unsigned offset = 0;
};

// Whether a token of this spelling is one the matching needs (see LexicalToken).
bool is_kept_punctuation(std::string_view text);

// The kept tokens of a C or C++ source text, without comments; never fails, whatever the bytes.
// The tokens point into `text`.
std::vector<LexicalToken> lex_source(std::string_view text);

// Macros spelled `#define NAME "..."`: the path each names.
using PathMacros = std::map<std::string, std::string, std::less<>>;

// The path macros that the units' active code defines, with <paths.h>'s _PATH_MEM and
// _PATH_KMEM. Each definition is tokenized once, by its file and offset: a header's definitions
// are the same in every unit that includes it.
class ActivePathMacros {
public:
    PathMacros of(CXTranslationUnit unit);

private:
    using DefinitionKey =
        std::tuple<unsigned long long, unsigned long long, unsigned long long, unsigned>;
    // The macro's name and path; nullopt for one that is not `#define NAME "..."`.
    std::map<DefinitionKey, std::optional<std::pair<std::string, std::string>>> definitions_;
};
void learn_path_macros(const std::vector<LexicalToken>& tokens, PathMacros& macros);

struct LexicalOpen {
    // Where the AST would place the call: the callee's name, or for a stream the variable's.
    std::size_t token;
    std::string_view callee;
    Device device;
};

// Calls of an open-like API (open, fopen, ...) and C++ file streams constructed on a path, whose
// arguments name a device.
std::vector<LexicalOpen> lexical_device_opens(const std::vector<LexicalToken>& tokens,
                                              const PathMacros& macros);
// Whether the tokens hold a call lexical_device_opens() looks into: without one it finds nothing,
// whatever the macros, which are costly to collect from a parsed unit (every macro of every
// header is tokenized).
bool has_open_like_call(const std::vector<LexicalToken>& tokens);

// The name of the function whose body holds this byte offset of the file; empty when none.
std::string enclosing_function(const Program& program, const std::string& file, unsigned offset);

// The device opens of the files that did not parse completely, at low confidence, where neither
// the AST nor the inactive-branch scan found one at the same place.
void find_unparsed_opens(const Program& program, ProgramFacts& facts, ActivePathMacros& macros);

// Device opens in code the preprocessor left out (#ifdef __i386__ on x86-64, other OSes):
// found lexically, so of low confidence.
void find_inactive_branches(const Program& program, ProgramFacts& facts, ActivePathMacros& macros);

} // namespace devmem::scan::detail
