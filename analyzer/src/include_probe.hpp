#pragma once

// Asks clang, before a unit's first parse, which of the header names its project does not hold
// clang cannot find either: one in-memory `__has_include` probe per distinct argument list, so
// that the unit is parsed with stand-ins for them from the start.

#include "devmem/scan/compilation.hpp"

#include <clang-c/Index.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace devmem::scan::detail {

class IncludeProbe {
public:
    // Which of `names` clang cannot find for `job` parsed with `arguments`, in their order;
    // nullopt when that cannot be asked (a name no `__has_include` can spell, a forced include).
    // Parses on `index`, so it must not run beside another parse on that index.
    std::optional<std::vector<std::string>> missing(CXIndex index, const CompileJob& job,
                                                    const std::vector<std::string>& arguments,
                                                    const std::vector<std::string>& names);

private:
    // Whether clang finds a header, by parser arguments and name.
    std::map<std::string, std::map<std::string, bool>> found_;
};

} // namespace devmem::scan::detail
