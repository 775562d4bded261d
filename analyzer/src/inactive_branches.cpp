#include "fact_extraction.hpp"
#include "lexical_scan.hpp"
#include "libclang_support.hpp"

#include <algorithm>
#include <deque>
#include <set>

namespace devmem::scan::detail {

namespace {

// The tokens of a skipped range as the lexical matcher sees them, with libclang's location of
// each; the spellings live in `spellings`.
struct BranchTokens {
    std::vector<LexicalToken> tokens;
    std::vector<CXSourceLocation> locations;
};

BranchTokens tokenize(CXTranslationUnit unit, CXSourceRange range,
                      std::deque<std::string>& spellings) {
    CXToken* raw = nullptr;
    unsigned count = 0;
    clang_tokenize(unit, range, &raw, &count);
    BranchTokens branch;
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
        const auto location = clang_getTokenLocation(unit, raw[i]);
        clang_getExpansionLocation(location, nullptr, &token.line, &token.column, &token.offset);
        token.text = spellings.emplace_back(std::move(spelling));
        branch.tokens.push_back(token);
        branch.locations.push_back(location);
    }
    clang_disposeTokens(unit, raw, count);
    return branch;
}

} // namespace

void find_inactive_branches(const Program& program, ProgramFacts& facts) {
    std::set<SourceLocation> seen;
    for (const auto& unit : program.units()) {
        CXSourceRangeList* skipped = clang_getAllSkippedRanges(unit.unit);
        if (skipped == nullptr) {
            continue;
        }
        std::deque<std::string> spellings;
        std::vector<BranchTokens> branches;
        for (unsigned i = 0; i < skipped->count; ++i) {
            const auto start = clang_getRangeStart(skipped->ranges[i]);
            if (clang_Location_isInSystemHeader(start) != 0) {
                continue;
            }
            branches.push_back(tokenize(unit.unit, skipped->ranges[i], spellings));
        }
        clang_disposeSourceRangeList(skipped);
        if (std::ranges::none_of(branches, [](const BranchTokens& branch) {
                return has_open_like_call(branch.tokens);
            })) {
            continue;
        }
        // Macros from the active code and from every skipped branch, so that `open(DEV_MEM, ...)`
        // in an inactive branch is recognised whichever branch defines it.
        auto macros = active_path_macros(unit.unit);
        for (const auto& branch : branches) {
            learn_path_macros(branch.tokens, macros);
        }
        for (const auto& branch : branches) {
            for (const auto& open : lexical_device_opens(branch.tokens, macros)) {
                const auto& token = branch.tokens[open.token];
                const auto location = location_of(branch.locations[open.token]);
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
