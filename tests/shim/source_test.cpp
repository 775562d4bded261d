#include "smbios_builder.hpp"
#include <devmem/image.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace devmem::fixture;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "devmem-source-XXXXXX").string();
        path = mkdtemp(pattern.data());
    }
    ~TempDir() { fs::remove_all(path); }
};

void write_file(const fs::path& path, const void* data, std::size_t size) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary)
        .write(static_cast<const char*>(data), std::streamsize(size));
}

struct Source {
    devmem_source value{};
    ~Source() { devmem_source_release(&value); }
};

Bytes sample_table(std::uint8_t major, std::uint8_t minor) {
    return encode_table(sample_machine(major, minor));
}

} // namespace

TEST_CASE("a dump yields the entry point and the table at its address field") {
    auto machine = sample_machine(2, 8);
    Bytes table = encode_table(machine);
    Bytes dump =
        make_dump(make_entry_point({EntryPointKind::smbios2, 2, 8, 0, std::uint32_t(table.size()),
                                    std::uint16_t(machine.size())}),
                  table);
    Source source;
    REQUIRE(devmem_source_from_dump(dump.data(), dump.size(), &source.value) == DEVMEM_OK);
    CHECK(source.value.table_size == table.size());
    CHECK(std::memcmp(source.value.table, table.data(), table.size()) == 0);
    CHECK_FALSE(source.value.table_address_known);
    CHECK(source.value.walk.structures == machine.size());
}

TEST_CASE("a 2.x dump whose table is shorter than announced is rejected") {
    Bytes table = sample_table(2, 8);
    Bytes dump = make_dump(
        make_entry_point({EntryPointKind::smbios2, 2, 8, 0, std::uint32_t(table.size() + 100), 9}),
        table);
    Source source;
    CHECK(devmem_source_from_dump(dump.data(), dump.size(), &source.value) ==
          DEVMEM_ERR_TABLE_TRUNCATED);
}

TEST_CASE("a 3.x maximum larger than the data is clamped to the data, as dmidecode reads it") {
    Bytes table = sample_table(3, 5);
    Bytes dump = make_dump(
        make_entry_point({EntryPointKind::smbios3, 3, 5, 0, std::uint32_t(table.size() + 1518), 0}),
        table);
    Source source;
    REQUIRE(devmem_source_from_dump(dump.data(), dump.size(), &source.value) == DEVMEM_OK);
    CHECK(source.value.table_size == table.size());
}

TEST_CASE("a dump whose table address points past the file is rejected") {
    Bytes table = sample_table(3, 0);
    Bytes dump = make_dump(make_entry_point({EntryPointKind::smbios3, 3, 0, 0, 100, 0}), table);
    dump[0x10] = 0xF0;
    dump[0x11] = 0xFF;
    Bytes ep(dump.begin(), dump.begin() + 0x18);
    fix_checksums(ep);
    std::copy(ep.begin(), ep.end(), dump.begin());
    Source source;
    CHECK(devmem_source_from_dump(dump.data(), dump.size(), &source.value) ==
          DEVMEM_ERR_TABLE_TRUNCATED);
}

TEST_CASE("efi/systab SMBIOS and SMBIOS3 lines give entry point addresses") {
    std::string systab = "MPS=0xfc9c0\nACPI20=0x7ffbe014\nSMBIOS=0xf0100\nSMBIOS3=0x7e5e6000\n";
    Source source;
    REQUIRE(devmem_parse_efi_systab(systab.data(), systab.size(), &source.value) == DEVMEM_OK);
    REQUIRE(source.value.efi_entry_point_count == 2);
    CHECK(source.value.efi_entry_points[0] == 0xf0100);
    CHECK(source.value.efi_entry_points[1] == 0x7e5e6000);
    REQUIRE(source.value.efi_rsdp_count == 1);
    CHECK(source.value.efi_rsdp_addresses[0] == 0x7ffbe014);
}

TEST_CASE("a malformed efi/systab address is rejected") {
    for (std::string systab : {"SMBIOS=\n", "SMBIOS=0xzz\n", "SMBIOS3=0xffffffffffffff\n"}) {
        Source source;
        CHECK(devmem_parse_efi_systab(systab.data(), systab.size(), &source.value) ==
              DEVMEM_ERR_EFI_SYSTAB);
    }
}

TEST_CASE("a firmware directory yields entry point, table, real address and systab") {
    TempDir dir;
    Bytes table = sample_table(3, 2);
    Bytes ep = make_entry_point(
        {EntryPointKind::smbios3, 3, 2, 0x7E5E4000, std::uint32_t(table.size()), 0});
    write_file(dir.path / "dmi/tables/smbios_entry_point", ep.data(), ep.size());
    write_file(dir.path / "dmi/tables/DMI", table.data(), table.size());
    std::string systab = "SMBIOS3=0x7e5e6000\n";
    write_file(dir.path / "efi/systab", systab.data(), systab.size());

    Source source;
    REQUIRE(devmem_source_load_firmware_dir(dir.path.c_str(), &source.value) == DEVMEM_OK);
    CHECK(source.value.table_address_known);
    CHECK(source.value.entry_point.table_address == 0x7E5E4000);
    CHECK(source.value.table_size == table.size());
    REQUIRE(source.value.efi_entry_point_count == 1);
    CHECK(source.value.efi_entry_points[0] == 0x7e5e6000);
}

TEST_CASE("a firmware directory without its DMI file is rejected") {
    TempDir dir;
    Bytes ep = make_entry_point({EntryPointKind::smbios3, 3, 2, 0x1000, 100, 0});
    write_file(dir.path / "dmi/tables/smbios_entry_point", ep.data(), ep.size());
    Source source;
    CHECK(devmem_source_load_firmware_dir(dir.path.c_str(), &source.value) == DEVMEM_ERR_IO);
}

TEST_CASE("a dump file is read from disk") {
    TempDir dir;
    Bytes table = sample_table(3, 0);
    Bytes dump = make_dump(
        make_entry_point({EntryPointKind::smbios3, 3, 0, 0, std::uint32_t(table.size()), 0}),
        table);
    write_file(dir.path / "dump.bin", dump.data(), dump.size());
    Source source;
    REQUIRE(devmem_source_load_dump((dir.path / "dump.bin").c_str(), &source.value) == DEVMEM_OK);
    CHECK(source.value.table_size == table.size());
    CHECK(devmem_source_load_dump((dir.path / "missing.bin").c_str(), &source.value) ==
          DEVMEM_ERR_IO);
}

TEST_CASE("a dump that cannot be read leaves a source that is safe to release") {
    devmem_source source;
    std::memset(&source, 0xA5, sizeof source);
    CHECK(devmem_source_load_dump("/nonexistent/dump.bin", &source) == DEVMEM_ERR_IO);
    CHECK(source.storage == nullptr);
    CHECK(source.acpi_storage == nullptr);
    devmem_source_release(&source);
}
