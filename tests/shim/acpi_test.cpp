#include "acpi_builder.hpp"
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

struct FirmwareDir {
    fs::path path;
    devmem_source source{};
    devmem_layout layout{};
    int fd = -1;

    explicit FirmwareDir(const std::vector<AcpiTableFile>& tables) {
        std::string pattern = (fs::temp_directory_path() / "devmem-acpi-XXXXXX").string();
        path = mkdtemp(pattern.data());
        Bytes table = encode_table(sample_machine(3, 0));
        write(path / "dmi/tables/smbios_entry_point",
              make_entry_point(
                  {EntryPointKind::smbios3, 3, 0, 0xE1000, std::uint32_t(table.size()), 0}));
        write(path / "dmi/tables/DMI", table);
        for (const AcpiTableFile& acpi : tables)
            write(path / "acpi/tables" / acpi.name, acpi.bytes);
    }
    ~FirmwareDir() {
        if (fd >= 0)
            close(fd);
        devmem_source_release(&source);
        fs::remove_all(path);
    }

    static void write(const fs::path& file, const Bytes& bytes) {
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    }

    devmem_status load() { return devmem_source_load_firmware_dir(path.c_str(), &source); }

    void build_image() {
        REQUIRE(load() == DEVMEM_OK);
        REQUIRE(devmem_plan_layout(&source, &layout) == DEVMEM_OK);
        devmem_status status;
        fd = devmem_create_image_memfd(&source, &layout, &status);
        REQUIRE(fd >= 0);
    }

    Bytes read(std::uint64_t address, std::size_t size) const {
        Bytes out(size);
        REQUIRE(pread(fd, out.data(), size, off_t(address)) == ssize_t(size));
        return out;
    }

    // A table read back from the image at address, by its own length field.
    Bytes table_at(std::uint64_t address) const {
        Bytes header = read(address, 8);
        return read(address, le(header, 4, 4));
    }

    static std::uint64_t le(const Bytes& b, std::size_t at, int width) {
        std::uint64_t value = 0;
        for (int i = width - 1; i >= 0; --i)
            value = value << 8 | b.at(at + std::size_t(i));
        return value;
    }
};

bool sums_to_zero(const Bytes& bytes, std::size_t n) {
    std::uint8_t sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum = std::uint8_t(sum + bytes.at(i));
    return sum == 0;
}

std::string signature(const Bytes& table) {
    return std::string(table.begin(), table.begin() + 4);
}

} // namespace

TEST_CASE("ACPI tables of a firmware directory are read in name order") {
    FirmwareDir dir(sample_acpi_tables());
    REQUIRE(dir.load() == DEVMEM_OK);
    std::vector<std::string> names;
    for (unsigned i = 0; i < dir.source.acpi_table_count; ++i)
        names.emplace_back(dir.source.acpi_tables[i].signature);
    CHECK(names == std::vector<std::string>{"APIC", "DSDT", "FACP", "FACS", "SSDT", "SSDT"});
}

TEST_CASE("a firmware directory without ACPI tables gets no RSDP") {
    FirmwareDir dir({});
    dir.build_image();
    CHECK(dir.layout.rsdp_address == 0);
}

TEST_CASE("the RSDP sits 16-byte aligned in the F segment with both checksums valid") {
    FirmwareDir dir(sample_acpi_tables());
    dir.build_image();
    std::uint64_t rsdp_address = dir.layout.rsdp_address;
    CHECK(rsdp_address % 16 == 0);
    CHECK(rsdp_address >= DEVMEM_F_SEGMENT_START);
    CHECK(rsdp_address + DEVMEM_ACPI_RSDP_SIZE <= DEVMEM_F_SEGMENT_END);
    CHECK(rsdp_address >= dir.layout.entry_point_addresses[0] + dir.layout.entry_point.size);
    Bytes rsdp = dir.read(rsdp_address, DEVMEM_ACPI_RSDP_SIZE);
    CHECK(std::string(rsdp.begin(), rsdp.begin() + 8) == "RSD PTR ");
    CHECK(sums_to_zero(rsdp, 20));
    CHECK(sums_to_zero(rsdp, 36));
    CHECK(rsdp[15] == 2);
    CHECK(std::string(rsdp.begin() + 9, rsdp.begin() + 15) == "DEVMEM");
}

TEST_CASE("the RSDP is also placed where efi/systab's ACPI20= line says") {
    FirmwareDir dir(sample_acpi_tables());
    std::string systab = "ACPI20=0x7ffbe014\nSMBIOS3=0x7e5e6000\n";
    FirmwareDir::write(dir.path / "efi/systab", Bytes(systab.begin(), systab.end()));
    dir.build_image();
    REQUIRE(dir.layout.efi_rsdp_count == 1);
    CHECK(dir.layout.efi_rsdp_addresses[0] == 0x7ffbe014);
    CHECK(dir.read(0x7ffbe014, DEVMEM_ACPI_RSDP_SIZE) ==
          dir.read(dir.layout.rsdp_address, DEVMEM_ACPI_RSDP_SIZE));
}

TEST_CASE("an efi/systab RSDP address colliding with the SMBIOS entry point is refused") {
    FirmwareDir dir(sample_acpi_tables());
    std::string systab = "SMBIOS3=0x7e5e6000\nACPI20=0x7e5e6010\n";
    FirmwareDir::write(dir.path / "efi/systab", Bytes(systab.begin(), systab.end()));
    REQUIRE(dir.load() == DEVMEM_OK);
    CHECK(devmem_plan_layout(&dir.source, &dir.layout) == DEVMEM_ERR_PLACEMENT);
}

TEST_CASE("RSDT and XSDT list every table except DSDT and FACS, at valid placed copies") {
    FirmwareDir dir(sample_acpi_tables());
    dir.build_image();
    Bytes rsdp = dir.read(dir.layout.rsdp_address, DEVMEM_ACPI_RSDP_SIZE);
    Bytes rsdt = dir.table_at(FirmwareDir::le(rsdp, 16, 4));
    Bytes xsdt = dir.table_at(FirmwareDir::le(rsdp, 24, 8));
    CHECK(signature(rsdt) == "RSDT");
    CHECK(signature(xsdt) == "XSDT");
    CHECK(sums_to_zero(rsdt, rsdt.size()));
    CHECK(sums_to_zero(xsdt, xsdt.size()));
    std::vector<std::string> listed;
    for (std::size_t at = 36; at < xsdt.size(); at += 8) {
        std::uint64_t address = FirmwareDir::le(xsdt, at, 8);
        CHECK(FirmwareDir::le(rsdt, 36 + (at - 36) / 2, 4) == address);
        Bytes table = dir.table_at(address);
        CHECK(sums_to_zero(table, table.size()));
        listed.push_back(signature(table));
    }
    CHECK(listed == std::vector<std::string>{"APIC", "FACP", "SSDT", "SSDT"});
}

TEST_CASE("the FADT copy points at the placed DSDT and FACS, with its checksum redone") {
    FirmwareDir dir(sample_acpi_tables());
    dir.build_image();
    Bytes rsdp = dir.read(dir.layout.rsdp_address, DEVMEM_ACPI_RSDP_SIZE);
    Bytes xsdt = dir.table_at(FirmwareDir::le(rsdp, 24, 8));
    Bytes fadt = dir.table_at(FirmwareDir::le(xsdt, 36 + 8, 8)); // APIC first, then FACP
    REQUIRE(signature(fadt) == "FACP");
    CHECK(sums_to_zero(fadt, fadt.size()));
    std::uint64_t dsdt = FirmwareDir::le(fadt, 40, 4);
    CHECK(FirmwareDir::le(fadt, 140, 8) == dsdt);
    CHECK(signature(dir.table_at(dsdt)) == "DSDT");
    std::uint64_t facs = FirmwareDir::le(fadt, 36, 4);
    CHECK(facs % 64 == 0);
    CHECK(signature(dir.read(facs, 4)) == "FACS");
    CHECK(FirmwareDir::le(fadt, 132, 8) == 0); // the firmware left X_FIRMWARE_CTRL unset
}

TEST_CASE("a malformed ACPI table leaves the image without ACPI, SMBIOS intact") {
    auto tables = sample_acpi_tables();
    SECTION("checksum") {
        tables[3].bytes[40] ^= 0xFF;
    }
    SECTION("length") {
        tables[3].bytes.push_back(0);
    }
    SECTION("signature unlike the file name") {
        tables[3].name = "HPET";
    }
    FirmwareDir dir(tables);
    dir.build_image();
    CHECK(dir.source.acpi_status == DEVMEM_ERR_ACPI_TABLE);
    CHECK(dir.source.acpi_table_count == 0);
    CHECK(dir.layout.rsdp_address == 0);
    CHECK(dir.read(dir.layout.entry_point_addresses[0], 5) == Bytes{'_', 'S', 'M', '3', '_'});
}
