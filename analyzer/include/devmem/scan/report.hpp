#pragma once

#include "devmem/scan/finding.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace devmem::scan {

enum class OutputFormat { text, json, sarif };

std::optional<OutputFormat> parse_output_format(std::string_view name);

// Something the user should know that is not a finding, such as a file that failed to parse.
struct RunNote {
    SourceLocation location; // empty file: not tied to a place
    std::string message;
};

struct Report {
    std::vector<Finding> findings;
    std::vector<RunNote> notes;
};

// Text is clang's diagnostic style, with the source line and a caret under the column.
void write_report(std::ostream& out, const Report& report, OutputFormat format);

} // namespace devmem::scan
