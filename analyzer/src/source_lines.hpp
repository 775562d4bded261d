#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace devmem::scan::detail {

// Lines of source files, each file read once however many findings point into it.
class SourceLines {
public:
    // The text of line `number` (1-based); empty when the file or the line does not exist.
    const std::string& line(const std::string& file, unsigned number) {
        const auto& lines = lines_of(file);
        return number >= 1 && number <= lines.size() ? lines[number - 1] : empty_;
    }

    const std::vector<std::string>& lines_of(const std::string& file) {
        auto [it, fresh] = files_.try_emplace(file);
        // Only regular files: a FIFO named as a source must not block the run.
        std::error_code error;
        if (fresh && std::filesystem::is_regular_file(file, error)) {
            std::ifstream in(file);
            for (std::string text; std::getline(in, text);) {
                it->second.push_back(text);
            }
        }
        return it->second;
    }

private:
    std::map<std::string, std::vector<std::string>> files_;
    std::string empty_;
};

} // namespace devmem::scan::detail
