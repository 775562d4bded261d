#pragma once

// What devmem-scan does with the edits of mechanical rewrite rules: a unified diff, a
// clang-apply-replacements file, or the files changed in place.

#include "devmem/scan/analyzer.hpp"
#include "devmem/scan/finding.hpp"

#include <filesystem>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace devmem::scan {

// A file that cannot be read or written, or edits that do not fit the file.
class FixError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The edits of the findings that can be applied together. Findings are taken in order; one whose
// edits overlap an edit already accepted (other than an identical one, or an insertion at the
// same place) is refused as a whole, and `refusals` says which and why.
struct FixSelection {
    std::vector<Edit> edits; // sorted by file and offset, duplicates merged
    std::vector<std::string> refusals;
};
FixSelection select_fixes(std::span<const Finding> findings);

// Sorts the edits by file and offset and merges duplicates: identical edits become one, and
// insertions at one offset are joined in the order of their text. Throws FixError naming the
// file and line when two edits overlap otherwise.
std::vector<Edit> merge_edits(std::span<const Edit> edits);

// `text` with the edits (all of one file, as merge_edits leaves them) applied.
std::string apply_edits(std::string_view text, std::span<const Edit> edits);

// A unified diff of the files the edits change, with paths relative to `root` under a/ and b/,
// as `git apply` and `patch -p1` take it from `root`. Empty when nothing changes. The files are
// read from disk; edits are merged first (FixError on overlaps, unreadable files or edits past a
// file's end).
std::string render_unified_diff(std::span<const Edit> edits, const std::filesystem::path& root);

// clang-apply-replacements' YAML (TranslationUnitDiagnostics), one diagnostic per finding that
// has edits, with absolute file paths.
std::string render_clang_replacements(std::span<const Finding> findings);

// Writes the edited files. Every file is checked first: one whose contents no longer hash to the
// recorded analyzed_hash is refused (FixError naming it) and nothing is written. Returns the
// files written.
std::vector<std::string> apply_fixes_in_place(std::span<const Edit> edits);

// devmem-scan --test-rules: each rule's examples are analysed with that rule alone loaded (and,
// for a rule that reuses the fix of a descriptor's open, the rules with a template fix). A
// positive example passes when the rule's edits turn its source into its fixed text, a negative
// one when the rule makes no edit. Prints a line per example and a summary; returns how many
// failed.
std::size_t test_rule_examples(const std::vector<RewriteRule>& rules,
                               const AnalyzerOptions& options, std::ostream& out);

} // namespace devmem::scan
