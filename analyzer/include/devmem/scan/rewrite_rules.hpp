#pragma once

#include "devmem/scan/physical_range.hpp"

#include "devmem/scan/finding.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace devmem::scan {

// What one argument of the flagged call must fold to for a rule to apply, and the placeholder
// name its source text is bound to in the fix template.
struct ArgumentPredicate {
    unsigned index = 0;
    std::string name;                 // empty: not bound to a placeholder
    std::vector<std::string> strings; // every value it may hold is one of these strings
    // Every value it may hold is a number in [low, high] (inclusive).
    std::optional<std::pair<std::uint64_t, std::uint64_t>> number_range;
};

// A mechanical rewrite: the call the finding flags is replaced by `replacement_template` with
// placeholders ({callee}, {arguments} and the argument names) filled in. Or, with
// `reuse_descriptor_open`, the call stays and the fix is that of the opens of its descriptor
// (a scan of the BIOS area keeps working once its descriptor comes from the compat open).
struct RewriteFix {
    std::string replacement_template;
    bool reuse_descriptor_open = false;
    std::vector<std::string> includes; // added once per edited file: "<devmem/compat.h>"
    // Preconditions: the call has exactly this many arguments (none: any number).
    std::optional<unsigned> argument_count;
    // A call spelled inside a macro definition is edited there (for every use of the macro).
    bool edit_macro_definitions = false;
};

// A migration recipe from rewrite-rules/*.yaml: which findings it applies to, the advice it
// gives, and possibly a mechanical fix.
struct RewriteRule {
    std::string id;
    std::filesystem::path file;
    std::vector<std::string> rules; // DM001..DM007; a rule file may cover several
    std::string category;
    std::vector<std::string> callees; // empty: any callee
    // Physical range classes of DM002/DM003 findings; empty: any. Advice to read a firmware table
    // from sysfs fits a BIOS-area map, not a map of the VGA hole.
    std::vector<RangeClass> range_classes;
    std::vector<ArgumentPredicate> arguments;
    std::string message;
    std::string advice; // what to read or call instead, in words or code
    std::optional<RewriteFix> fix;
    std::string link; // pkg-config name of the library the fixed code links against
    Confidence confidence = Confidence::high;
    std::string doc;
    struct Example {
        std::string name;
        unsigned line = 0;                // where the example starts in the rule file
        std::string language;             // "c" or "c++"
        std::string source;               // a complete program
        std::optional<std::string> fixed; // none: the rule must not edit the source
    };
    std::vector<Example> examples;

    // The finding's rule, callee and range class match (argument predicates are checked by the
    // fix engine, which sees the call). `range_class` is unknown when there is no range.
    bool applies_to(std::string_view finding_rule, std::string_view callee,
                    RangeClass range_class = RangeClass::unknown) const;
    // How many conditions narrow the rule; among rules that apply, the most specific wins.
    std::size_t specificity() const;
};

// A rule file that cannot be used; what() reads "file:line:column: what is wrong".
class RuleFileError : public std::runtime_error {
public:
    RuleFileError(const std::filesystem::path& file, unsigned line, unsigned column,
                  const std::string& problem);
};

// The placeholders of a fix template in order ("{{" and "}}" are literal braces); an empty entry
// marks an unbalanced brace.
std::vector<std::optional<std::string>> placeholders_in(std::string_view text);
// The template with each placeholder replaced by its binding (all must be bound).
std::string expand_template(std::string_view text,
                            const std::map<std::string, std::string, std::less<>>& bindings);

// Parses and validates one rule file.
RewriteRule load_rewrite_rule(const std::filesystem::path& file);
// Every *.yaml in the directory, sorted by file name; duplicate ids are an error.
std::vector<RewriteRule> load_rewrite_rules(const std::filesystem::path& directory);

} // namespace devmem::scan
