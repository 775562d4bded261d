#include "smbios_builder.hpp"
#include <devmem/image.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>

using namespace devmem::fixture;

namespace {

struct Fixture {
    Bytes table;
    Bytes dump;
    devmem_source source{};

    Fixture(EntryPointKind kind, std::uint8_t major, std::uint8_t minor) {
        auto machine = sample_machine(major, minor);
        table = encode_table(machine);
        dump = make_dump(make_entry_point({kind, major, minor, 0, std::uint32_t(table.size()),
                                           std::uint16_t(machine.size())}),
                         table);
        REQUIRE(devmem_source_from_dump(dump.data(), dump.size(), &source) == DEVMEM_OK);
    }

    // As if read from /sys/firmware: the table address is a real physical address.
    void at_physical_address(std::uint64_t address) {
        source.table_address_known = 1;
        source.entry_point.table_address = address;
    }
};

devmem_layout plan(const devmem_source& source) {
    devmem_layout layout;
    REQUIRE(devmem_plan_layout(&source, &layout) == DEVMEM_OK);
    return layout;
}

Bytes read_at(int fd, std::uint64_t address, std::size_t size) {
    Bytes out(size);
    REQUIRE(pread(fd, out.data(), size, off_t(address)) == ssize_t(size));
    return out;
}

bool all_zero(const Bytes& bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

} // namespace

TEST_CASE("every entry point kind lands in the F segment with valid checksums") {
    for (auto [kind, major, minor] :
         {std::tuple{EntryPointKind::smbios3, 3, 3}, std::tuple{EntryPointKind::smbios2, 2, 8},
          std::tuple{EntryPointKind::legacy_dmi, 2, 0}}) {
        Fixture f(kind, std::uint8_t(major), std::uint8_t(minor));
        devmem_layout layout = plan(f.source);
        CHECK(layout.entry_point_count == 1);
        CHECK(layout.entry_point_addresses[0] == DEVMEM_F_SEGMENT_START);
        devmem_entry_point placed;
        REQUIRE(devmem_parse_entry_point(layout.entry_point.bytes, layout.entry_point.size,
                                         &placed) == DEVMEM_OK);
        CHECK(placed.kind == f.source.entry_point.kind);
        CHECK(placed.table_address == layout.table_address);
        CHECK(placed.table_length == f.table.size());
    }
}

TEST_CASE("a dump's table, whose address is only a file offset, is relocated above 1 MiB") {
    Fixture f(EntryPointKind::smbios2, 2, 8);
    devmem_layout layout = plan(f.source);
    CHECK(layout.table_relocated);
    CHECK(layout.table_address == DEVMEM_RELOCATED_TABLE_ADDRESS);
}

TEST_CASE("a table below 4 GiB stays at the address the firmware gave it") {
    Fixture f(EntryPointKind::smbios2, 2, 8);
    f.at_physical_address(0xE1000);
    devmem_layout layout = plan(f.source);
    CHECK_FALSE(layout.table_relocated);
    CHECK(layout.table_address == 0xE1000);
}

TEST_CASE("a 3.x table above 4 GiB is relocated low and the 64-bit address rewritten") {
    Fixture f(EntryPointKind::smbios3, 3, 2);
    f.at_physical_address(0x123450000ull);
    devmem_layout layout = plan(f.source);
    CHECK(layout.table_relocated);
    CHECK(layout.table_address < (std::uint64_t(1) << 32));
    devmem_entry_point placed;
    REQUIRE(devmem_parse_entry_point(layout.entry_point.bytes, layout.entry_point.size, &placed) ==
            DEVMEM_OK);
    CHECK(placed.table_address == layout.table_address);
}

TEST_CASE("a table overlapping the entry point slot is relocated") {
    Fixture f(EntryPointKind::smbios2, 2, 8);
    f.at_physical_address(DEVMEM_F_SEGMENT_START + 16);
    devmem_layout layout = plan(f.source);
    CHECK(layout.table_relocated);
}

TEST_CASE("the entry point is also placed at every address efi/systab advertises") {
    Fixture f(EntryPointKind::smbios3, 3, 0);
    f.source.efi_entry_points[0] = 0x7E5E6000;
    f.source.efi_entry_points[1] = DEVMEM_F_SEGMENT_START; // shared with the F-segment copy
    f.source.efi_entry_point_count = 2;
    devmem_layout layout = plan(f.source);
    REQUIRE(layout.entry_point_count == 2);
    CHECK(layout.entry_point_addresses[0] == DEVMEM_F_SEGMENT_START);
    CHECK(layout.entry_point_addresses[1] == 0x7E5E6000);
    CHECK(layout.image_size >= 0x7E5E6000u + layout.entry_point.size);
}

TEST_CASE("the F-segment copy moves to a free slot when a systab address collides with it") {
    Fixture f(EntryPointKind::smbios2, 2, 8);
    f.source.efi_entry_points[0] = DEVMEM_F_SEGMENT_START + 8;
    f.source.efi_entry_point_count = 1;
    devmem_layout layout = plan(f.source);
    REQUIRE(layout.entry_point_count == 2);
    CHECK(layout.entry_point_addresses[0] % 16 == 0);
    CHECK(layout.entry_point_addresses[0] >= DEVMEM_F_SEGMENT_START + 8 + 32);
}

TEST_CASE("systab entry points that overlap each other are refused") {
    Fixture f(EntryPointKind::smbios2, 2, 8);
    f.source.efi_entry_points[0] = 0x7E5E6000;
    f.source.efi_entry_points[1] = 0x7E5E6010;
    f.source.efi_entry_point_count = 2;
    devmem_layout layout;
    CHECK(devmem_plan_layout(&f.source, &layout) == DEVMEM_ERR_PLACEMENT);
}

TEST_CASE("a 3.x maximum larger than the table shrinks to the table in the placed entry point") {
    Fixture f(EntryPointKind::smbios3, 3, 5);
    f.source.entry_point.table_length = std::uint32_t(f.table.size() + 1518);
    devmem_layout layout = plan(f.source);
    devmem_entry_point placed;
    REQUIRE(devmem_parse_entry_point(layout.entry_point.bytes, layout.entry_point.size, &placed) ==
            DEVMEM_OK);
    CHECK(placed.table_length == f.table.size());
}

TEST_CASE("the image memfd holds entry point and table at their addresses and zeros elsewhere") {
    Fixture f(EntryPointKind::smbios2, 2, 8);
    f.at_physical_address(0xE1000);
    devmem_layout layout = plan(f.source);
    devmem_status status;
    int fd = devmem_create_image_memfd(&f.source, &layout, &status);
    REQUIRE(fd >= 0);
    CHECK(read_at(fd, DEVMEM_F_SEGMENT_START, layout.entry_point.size) ==
          Bytes(layout.entry_point.bytes, layout.entry_point.bytes + layout.entry_point.size));
    CHECK(read_at(fd, 0xE1000, f.table.size()) == f.table);
    CHECK(all_zero(read_at(fd, 0, 0x500)));         // IVT and BDA
    CHECK(all_zero(read_at(fd, 0xA0000, 0x40000))); // VGA hole and option ROMs
    struct stat st;
    REQUIRE(fstat(fd, &st) == 0);
    CHECK(st.st_size == off_t(layout.image_size));
    CHECK(layout.image_size >= DEVMEM_IMAGE_MIN_SIZE);
    CHECK(layout.image_size % 4096 == 0);
    close(fd);
}

TEST_CASE("the image memfd is sealed: writes fail, private mappings stay private") {
    Fixture f(EntryPointKind::smbios3, 3, 0);
    devmem_layout layout = plan(f.source);
    devmem_status status;
    int fd = devmem_create_image_memfd(&f.source, &layout, &status);
    REQUIRE(fd >= 0);
    std::uint8_t byte = 0xAA;
    CHECK(pwrite(fd, &byte, 1, 0) == -1);
    CHECK(errno == EPERM);
    CHECK(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
    void* p = mmap(nullptr, 0x100000, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    REQUIRE(p != MAP_FAILED);
    static_cast<std::uint8_t*>(p)[DEVMEM_F_SEGMENT_START] = 0;
    CHECK(read_at(fd, DEVMEM_F_SEGMENT_START, 1)[0] == '_');
    munmap(p, 0x100000);
    close(fd);
}
