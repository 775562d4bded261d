// make-fuzz-seeds OUT FIXTURE_DIR...: writes the binary seed corpora from the project's fixtures
// (and the shared reference fixtures, where present) into OUT/<fuzzer>/, at build time, so no
// binary seed lives in the repository.
//   *.bin (dmidecode --dump-bin)        -> smbios/, loader/ (the whole input is also a dump)
//   a firmware dir (dmi/tables/...)     -> loader/ framed as the loader's parts, acpi/ its tables
//   a directory of ACPI *.dat dumps     -> acpi/ framed, one part per table
#include "fuzz_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string join_parts(const std::vector<std::string>& parts) {
    std::string joined;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            joined += devmem::fuzz::part_separator;
        joined += parts[i];
    }
    return joined;
}

// Files of a directory (with the extension, if one is given) in name order, as the loader sees
// acpi/tables.
std::vector<std::string> files_in(const fs::path& dir, const std::string& extension = "") {
    std::vector<fs::path> names;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file() && (extension.empty() || entry.path().extension() == extension))
            names.push_back(entry.path());
    std::ranges::sort(names);
    std::vector<std::string> contents;
    contents.reserve(names.size());
    for (const auto& name : names)
        contents.push_back(read(name));
    return contents;
}

class SeedWriter {
public:
    explicit SeedWriter(fs::path out) : out_(std::move(out)) {}

    void write(const std::string& fuzzer, const std::string& name, const std::string& bytes) {
        fs::create_directories(out_ / fuzzer);
        std::ofstream(out_ / fuzzer / name, std::ios::binary) << bytes;
        ++written_;
    }

    unsigned written() const { return written_; }

private:
    fs::path out_;
    unsigned written_ = 0;
};

void add_firmware_dir(SeedWriter& seeds, const fs::path& dir, const std::string& name) {
    std::vector<std::string> parts = {read(dir / "dmi/tables/smbios_entry_point"),
                                      read(dir / "dmi/tables/DMI"), read(dir / "efi/systab")};
    std::vector<std::string> tables;
    if (fs::is_directory(dir / "acpi/tables"))
        tables = files_in(dir / "acpi/tables");
    parts.insert(parts.end(), tables.begin(), tables.end());
    seeds.write("loader", name, join_parts(parts));
    if (!tables.empty())
        seeds.write("acpi", name, join_parts(tables));
}

void add_fixtures(SeedWriter& seeds, const fs::path& root) {
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
        const fs::path& path = it->path();
        // Seed names carry the fixture's path so two sets never overwrite each other.
        std::string name = fs::relative(path, root).string();
        std::ranges::replace(name, '/', '_');
        if (it->is_directory() && fs::exists(path / "dmi/tables/smbios_entry_point")) {
            add_firmware_dir(seeds, path, name);
            it.disable_recursion_pending();
        } else if (it->is_regular_file() && path.extension() == ".bin") {
            seeds.write("smbios", name, read(path));
            seeds.write("loader", name, read(path));
        } else if (it->is_directory()) {
            if (auto tables = files_in(path, ".dat"); !tables.empty())
                seeds.write("acpi", name, join_parts(tables));
        }
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: make-fuzz-seeds OUT FIXTURE_DIR...\n";
        return 2;
    }
    SeedWriter seeds(argv[1]);
    for (int i = 2; i < argc; ++i)
        if (fs::is_directory(argv[i]))
            add_fixtures(seeds, argv[i]);
    std::cout << "make-fuzz-seeds: " << seeds.written() << " seeds in " << argv[1] << '\n';
    return 0;
}
