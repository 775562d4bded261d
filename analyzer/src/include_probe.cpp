#include "include_probe.hpp"

#include "libclang_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace devmem::scan::detail {

std::optional<std::vector<std::string>>
IncludeProbe::missing(CXIndex index, const CompileJob& job,
                      const std::vector<std::string>& arguments,
                      const std::vector<std::string>& names) {
    // The key leaves out the working directory unless a path in the arguments is relative to it:
    // a tree scanned as a directory then asks once per language.
    std::string key = job.file.extension().string();
    bool relative = false;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string_view argument = arguments[i];
        if (argument.starts_with("-include") || argument == "-imacros") {
            return std::nullopt;
        }
        if (argument == "-working-directory") {
            ++i;
            continue;
        }
        for (const std::string_view option : {"-I", "-iquote", "-isystem", "-idirafter"}) {
            if (argument.starts_with(option)) {
                const auto value = argument.size() > option.size() || i + 1 == arguments.size()
                                       ? argument.substr(option.size())
                                       : std::string_view(arguments[i + 1]);
                relative = relative || !value.starts_with('/');
                break;
            }
        }
        key += '\0';
        key += argument;
    }
    if (relative) {
        key += '\0' + job.directory.string();
    }
    auto& found = found_[key];
    std::string probe;
    std::vector<const std::string*> asked;
    for (const auto& name : names) {
        if (name.empty() || name.front() == '/' ||
            name.find_first_of(">\n\\") != std::string::npos) {
            return std::nullopt;
        }
        if (!found.contains(name) && std::ranges::find(asked, &name) == asked.end()) {
            probe += fmt::format("#if !__has_include(<{}>)\nint devmem_scan_missing_{};\n#endif\n",
                                 name, asked.size());
            asked.push_back(&name);
        }
    }
    if (!asked.empty()) {
        // A quoted name gets here only when the project's own directories do not hold it, so
        // clang's search of the other directories decides, as for an angled one.
        const auto probe_file =
            (job.directory.empty() ? job.file.parent_path() : job.directory) /
            fmt::format("devmem-scan-include-probe{}", job.file.extension().string());
        CXUnsavedFile unsaved{probe_file.c_str(), probe.c_str(),
                              static_cast<unsigned long>(probe.size())};
        const auto argv = c_strings(arguments);
        CXTranslationUnit unit = nullptr;
        if (clang_parseTranslationUnit2(index, probe_file.c_str(), argv.data(),
                                        static_cast<int>(argv.size()), &unsaved, 1, 0,
                                        &unit) != CXError_Success) {
            return std::nullopt;
        }
        for (const auto* name : asked) {
            found[*name] = true;
        }
        for (const auto& cursor : children(clang_getTranslationUnitCursor(unit))) {
            const auto variable = spelling(cursor);
            constexpr std::string_view prefix = "devmem_scan_missing_";
            if (clang_getCursorKind(cursor) == CXCursor_VarDecl && variable.starts_with(prefix)) {
                found[*asked.at(std::stoul(variable.substr(prefix.size())))] = false;
            }
        }
        clang_disposeTranslationUnit(unit);
    }
    std::vector<std::string> missing;
    for (const auto& name : names) {
        if (!found.at(name) && std::ranges::find(missing, name) == missing.end()) {
            missing.push_back(name);
        }
    }
    return missing;
}

} // namespace devmem::scan::detail
