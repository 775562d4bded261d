// The file loaders: the whole input as a dump file, and its parts as a firmware directory.
// Parts, separated by fuzz_support.hpp's part_separator: dmi/tables/smbios_entry_point,
// dmi/tables/DMI, efi/systab (absent when there are only two parts), then acpi/tables files.
#include "fuzz_support.hpp"
#include "image_support.hpp"

#include <devmem/image.h>

#include <cstddef>
#include <cstdint>

namespace {

void load_dump(const devmem::fuzz::TempDir& dir, const uint8_t* data, size_t size) {
    auto file = dir.write("dump.bin", {reinterpret_cast<const char*>(data), size});
    devmem_source source{};
    if (devmem_source_load_dump(file.c_str(), &source) == DEVMEM_OK)
        devmem::fuzz::build_image(source);
    devmem_source_release(&source);
}

void load_firmware_dir(const devmem::fuzz::TempDir& dir, const uint8_t* data, size_t size) {
    auto parts = devmem::fuzz::split_parts(data, size);
    dir.write("fw/dmi/tables/smbios_entry_point", parts[0]);
    if (parts.size() > 1)
        dir.write("fw/dmi/tables/DMI", parts[1]);
    if (parts.size() > 2)
        dir.write("fw/efi/systab", parts[2]);
    for (size_t i = 3; i < parts.size(); ++i)
        dir.write("fw/acpi/tables/" + devmem::fuzz::acpi_file_name(parts[i], i - 3), parts[i]);

    devmem_source source{};
    if (devmem_source_load_firmware_dir((dir.path() / "fw").c_str(), &source) == DEVMEM_OK)
        devmem::fuzz::build_image(source);
    devmem_source_release(&source);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    devmem::fuzz::TempDir dir;
    load_dump(dir, data, size);
    load_firmware_dir(dir, data, size);
    return 0;
}
