#include "analysed_program.hpp"

using namespace devmem::scan;

std::vector<std::string> Analysed::summary() const {
    std::vector<std::string> lines;
    for (const auto& finding : report.findings) {
        std::string line = finding.rule + "@" + std::to_string(finding.location.line);
        if (finding.rule == "DM002" || finding.rule == "DM003") {
            line += " " + std::string(to_string(finding.range_class));
        }
        lines.push_back(line);
    }
    return lines;
}

void analyse(Analysed& analysed, const std::vector<std::pair<std::string, std::string>>& files,
             const AnalyzerOptions& options) {
    std::vector<std::filesystem::path> paths;
    paths.reserve(files.size());
    for (const auto& [name, text] : files) {
        paths.push_back(analysed.directory.write(name, text));
    }
    analysed.report = analyze_program(jobs_from_paths(paths), options, {});
}
