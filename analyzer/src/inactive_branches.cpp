#include "fact_extraction.hpp"
#include "lexical_scan.hpp"
#include "libclang_support.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <tuple>

namespace devmem::scan::detail {

namespace {

// The tokens of a skipped range as the lexical matcher sees them, the same in every unit that
// skipped it (a header's branch is skipped in most of its includers); the spellings live in
// `spellings`.
struct BranchTokens {
    // The file, named by file_name() as location_of() names it: skipped code is never a macro
    // expansion, so a token's location is this file at its line and column.
    std::string file;
    std::vector<LexicalToken> tokens;
    bool has_open_like_call = false;
};

BranchTokens tokenize(CXTranslationUnit unit, CXSourceRange range, std::string file,
                      std::deque<std::string>& spellings) {
    CXToken* raw = nullptr;
    unsigned count = 0;
    clang_tokenize(unit, range, &raw, &count);
    BranchTokens branch{std::move(file), {}, false};
    for (unsigned i = 0; i < count; ++i) {
        const auto kind = clang_getTokenKind(raw[i]);
        auto spelling = take_string(clang_getTokenSpelling(unit, raw[i]));
        LexicalToken token{LexicalToken::Kind::identifier, {}, 0, 0, 0};
        if (kind == CXToken_Literal && spelling.starts_with('"')) {
            token.kind = LexicalToken::Kind::string_literal;
        } else if (kind == CXToken_Punctuation && is_kept_punctuation(spelling)) {
            token.kind = LexicalToken::Kind::punctuation;
        } else if (kind != CXToken_Identifier && kind != CXToken_Keyword) {
            continue;
        }
        clang_getExpansionLocation(clang_getTokenLocation(unit, raw[i]), nullptr, &token.line,
                                   &token.column, &token.offset);
        token.text = spellings.emplace_back(std::move(spelling));
        branch.tokens.push_back(token);
    }
    clang_disposeTokens(unit, raw, count);
    branch.has_open_like_call = has_open_like_call(branch.tokens);
    return branch;
}

} // namespace

void find_inactive_branches(const Program& program, ProgramFacts& facts,
                            ActivePathMacros& active_macros) {
    std::set<SourceLocation> seen;
    std::deque<std::string> spellings;
    // By file, start and end offset.
    std::map<std::tuple<std::string, unsigned, unsigned>, BranchTokens> tokenized;
    for (const auto& unit : program.units()) {
        CXSourceRangeList* skipped = clang_getAllSkippedRanges(unit.unit);
        if (skipped == nullptr) {
            continue;
        }
        std::vector<const BranchTokens*> branches;
        for (unsigned i = 0; i < skipped->count; ++i) {
            const auto start = clang_getRangeStart(skipped->ranges[i]);
            if (clang_Location_isInSystemHeader(start) != 0) {
                continue;
            }
            CXFile file = nullptr;
            unsigned begin = 0;
            unsigned end = 0;
            clang_getExpansionLocation(start, &file, nullptr, nullptr, &begin);
            clang_getExpansionLocation(clang_getRangeEnd(skipped->ranges[i]), nullptr, nullptr,
                                       nullptr, &end);
            auto name = file == nullptr ? std::string() : file_name(file);
            auto key = std::tuple{name, begin, end};
            auto found = tokenized.find(key);
            if (found == tokenized.end()) {
                auto tokens = tokenize(unit.unit, skipped->ranges[i], std::move(name), spellings);
                found = tokenized.emplace(std::move(key), std::move(tokens)).first;
            }
            branches.push_back(&found->second);
        }
        clang_disposeSourceRangeList(skipped);
        if (std::ranges::none_of(branches, &BranchTokens::has_open_like_call)) {
            continue;
        }
        // Macros from the active code and from every skipped branch, so that `open(DEV_MEM, ...)`
        // in an inactive branch is recognised whichever branch defines it.
        auto macros = active_macros.of(unit.unit);
        for (const auto* branch : branches) {
            learn_path_macros(branch->tokens, macros);
        }
        for (const auto* branch : branches) {
            for (const auto& open : lexical_device_opens(branch->tokens, macros)) {
                const auto& token = branch->tokens[open.token];
                const SourceLocation location{branch->file, token.line, token.column};
                if (!seen.insert(location).second) {
                    continue;
                }
                facts.inactive_branches.push_back(
                    {{location, enclosing_function(program, location.file, token.offset),
                      std::string(open.callee), Confidence::low},
                     open.device == Device::port ? "port-io" : "device-open",
                     std::string(to_string(open.device))});
            }
        }
    }
}

} // namespace devmem::scan::detail
