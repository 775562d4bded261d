// What the harnesses share: a framing that splits one fuzz input into several files, and a
// temporary directory to write them to, since the loaders under test read paths, not buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <stdlib.h>

namespace devmem::fuzz {

// Parts are separated by this line; it is short enough for libFuzzer to find and splice it, and
// make-fuzz-seeds writes multi-part seeds with it.
inline constexpr std::string_view part_separator = "\n--part--\n";

inline std::vector<std::string_view> split_parts(const uint8_t* data, size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> parts;
    for (;;) {
        size_t at = rest.find(part_separator);
        parts.push_back(rest.substr(0, at));
        if (at == std::string_view::npos)
            return parts;
        rest.remove_prefix(at + part_separator.size());
    }
}

// A fresh directory under $TMPDIR, removed with everything in it when the input is done.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "devmem-fuzz.XXXXXX");
        if (mkdtemp(pattern.data()) == nullptr)
            abort(); // the harness cannot run at all; not a finding
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    // Writes bytes to a path relative to the directory, creating its parents.
    std::filesystem::path write(const std::filesystem::path& relative,
                                std::string_view bytes) const {
        auto file = path_ / relative;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary).write(bytes.data(), bytes.size());
        return file;
    }

private:
    std::filesystem::path path_;
};

} // namespace devmem::fuzz
