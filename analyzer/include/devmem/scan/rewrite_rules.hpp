#pragma once

#include "devmem/scan/physical_range.hpp"

#include "devmem/scan/finding.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace devmem::scan {

// A migration recipe from rewrite-rules/*.yaml: which findings it applies to and what to write
// instead.
struct RewriteRule {
    std::string id;
    std::filesystem::path file;
    std::string rule;
    std::string category;
    std::vector<std::string> callees; // empty: any callee
    // Physical range classes of DM002/DM003 findings; empty: any. Advice to read a firmware table
    // from sysfs fits a BIOS-area map, not a map of the VGA hole.
    std::vector<RangeClass> range_classes;
    std::string message;
    std::string replacement;
    std::vector<std::string> includes;
    std::string link;
    Confidence confidence = Confidence::high;
    std::string doc;
    struct Example {
        std::string before;
        std::string after;
    };
    std::vector<Example> examples;

    // `range_class` is the finding's: unknown when it has no physical range.
    bool applies_to(std::string_view finding_rule, std::string_view callee,
                    RangeClass range_class = RangeClass::unknown) const;
};

// A rule file that cannot be used; what() reads "file:line:column: what is wrong".
class RuleFileError : public std::runtime_error {
public:
    RuleFileError(const std::filesystem::path& file, unsigned line, unsigned column,
                  const std::string& problem);
};

// Parses and validates one rule file.
RewriteRule load_rewrite_rule(const std::filesystem::path& file);
// Every *.yaml in the directory, sorted by file name; duplicate ids are an error.
std::vector<RewriteRule> load_rewrite_rules(const std::filesystem::path& directory);

} // namespace devmem::scan
