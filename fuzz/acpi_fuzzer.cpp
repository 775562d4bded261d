// ACPI tables of a firmware directory: the loader's validation, then the synthesized RSDP, RSDT,
// XSDT and patched FADT in the planned and written image. Each part of the input (separated by
// fuzz_support.hpp's part_separator) is one acpi/tables file; the SMBIOS tables are fixed and
// valid, so every input gets as far as the ACPI code.
#include "fuzz_support.hpp"
#include "image_support.hpp"

#include <devmem/image.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

// The smallest valid SMBIOS 3.0 table: one end-of-table structure (type 127, no strings).
constexpr std::array<uint8_t, 6> smbios_table = {127, 4, 0, 0, 0, 0};

// A 24-byte SMBIOS 3.0 entry point for that table at 0xE0000, inside the legacy area.
constexpr std::array<uint8_t, 24> smbios_entry_point() {
    std::array<uint8_t, 24> bytes = {'_', 'S', 'M', '3', '_'};
    bytes[0x06] = bytes.size();        // entry point length
    bytes[0x07] = 3;                   // SMBIOS 3.0
    bytes[0x0A] = 1;                   // entry point revision
    bytes[0x0C] = smbios_table.size(); // table maximum size
    bytes[0x12] = 0x0E;                // table address, little endian: 0x000E0000
    uint8_t sum = 0;
    for (uint8_t b : bytes)
        sum = static_cast<uint8_t>(sum + b);
    bytes[0x05] = static_cast<uint8_t>(-sum); // the checksum makes the bytes sum to 0
    return bytes;
}

std::string_view as_text(const auto& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    devmem::fuzz::TempDir dir;
    static constexpr auto entry_point = smbios_entry_point();
    dir.write("dmi/tables/smbios_entry_point", as_text(entry_point));
    dir.write("dmi/tables/DMI", as_text(smbios_table));
    auto tables = devmem::fuzz::split_parts(data, size);
    for (size_t i = 0; i < tables.size(); ++i)
        dir.write("acpi/tables/" + devmem::fuzz::acpi_file_name(tables[i], i), tables[i]);

    devmem_source source{};
    if (devmem_source_load_firmware_dir(dir.path().c_str(), &source) == DEVMEM_OK)
        devmem::fuzz::build_image(source);
    devmem_source_release(&source);
    return 0;
}
