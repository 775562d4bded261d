#include "smbios_builder.hpp"
#include <devmem/image.h>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace devmem::fixture;

namespace {

devmem_status parse(const Bytes& bytes, devmem_entry_point& ep) {
    return devmem_parse_entry_point(bytes.data(), bytes.size(), &ep);
}

Bytes smbios2_entry_point() {
    return make_entry_point({EntryPointKind::smbios2, 2, 8, 0xE1000, 388, 9});
}

} // namespace

TEST_CASE("a 3.x entry point yields version, 64-bit address and maximum size") {
    Bytes bytes = make_entry_point({EntryPointKind::smbios3, 3, 2, 0x123456789ull, 5809, 0});
    devmem_entry_point ep;
    REQUIRE(parse(bytes, ep) == DEVMEM_OK);
    CHECK(ep.kind == DEVMEM_ENTRY_POINT_SMBIOS3);
    CHECK(ep.major == 3);
    CHECK(ep.minor == 2);
    CHECK(ep.size == 0x18);
    CHECK(ep.table_address == 0x123456789ull);
    CHECK(ep.table_length == 5809);
    CHECK(ep.structure_count == 0);
}

TEST_CASE("a 2.x entry point yields version, address, length and count") {
    devmem_entry_point ep;
    REQUIRE(parse(smbios2_entry_point(), ep) == DEVMEM_OK);
    CHECK(ep.kind == DEVMEM_ENTRY_POINT_SMBIOS2);
    CHECK(ep.major == 2);
    CHECK(ep.minor == 8);
    CHECK(ep.size == 0x1F);
    CHECK(ep.table_address == 0xE1000);
    CHECK(ep.table_length == 388);
    CHECK(ep.structure_count == 9);
}

TEST_CASE("a legacy _DMI_ entry point reads its BCD revision") {
    Bytes bytes = make_entry_point({EntryPointKind::legacy_dmi, 2, 0, 0xF1000, 200, 5});
    devmem_entry_point ep;
    REQUIRE(parse(bytes, ep) == DEVMEM_OK);
    CHECK(ep.kind == DEVMEM_ENTRY_POINT_LEGACY_DMI);
    CHECK(ep.major == 2);
    CHECK(ep.minor == 0);
    CHECK(ep.size == 0x0F);
    CHECK(ep.table_address == 0xF1000);
    CHECK(ep.table_length == 200);
    CHECK(ep.structure_count == 5);
}

TEST_CASE("a 2.x entry point length of 0x1E or 0x20 is tolerated as real firmware has it") {
    for (std::uint8_t length : {0x1E, 0x20}) {
        Bytes bytes = smbios2_entry_point();
        bytes.resize(0x20, 0);
        bytes[0x05] = length;
        fix_checksums(bytes);
        devmem_entry_point ep;
        CHECK(parse(bytes, ep) == DEVMEM_OK);
        CHECK(ep.size == std::max<std::uint8_t>(length, 0x1F));
    }
}

TEST_CASE("an entry point length outside what any firmware uses is rejected") {
    Bytes sm2 = smbios2_entry_point();
    sm2.resize(0x30, 0);
    for (std::uint8_t length : {0x1D, 0x21}) {
        sm2[0x05] = length;
        fix_checksums(sm2);
        devmem_entry_point ep;
        CHECK(parse(sm2, ep) == DEVMEM_ERR_ENTRY_POINT_LENGTH);
    }
    Bytes sm3 = make_entry_point({EntryPointKind::smbios3, 3, 0, 0x1000, 100, 0});
    sm3[0x06] = 0x10;
    fix_checksums(sm3);
    devmem_entry_point ep;
    CHECK(parse(sm3, ep) == DEVMEM_ERR_ENTRY_POINT_LENGTH);
}

TEST_CASE("a wrong checksum is rejected for every kind") {
    for (EntryPointKind kind :
         {EntryPointKind::smbios3, EntryPointKind::smbios2, EntryPointKind::legacy_dmi}) {
        Bytes bytes = make_entry_point({kind, 2, 4, 0x1000, 100, 3});
        bytes[0x07] ^= 0x01;
        devmem_entry_point ep;
        CHECK(parse(bytes, ep) == DEVMEM_ERR_CHECKSUM);
    }
}

TEST_CASE("the _DMI_ intermediate area of a 2.x entry point is checked") {
    devmem_entry_point ep;
    Bytes bad_sum = smbios2_entry_point();
    bad_sum[0x1C] += 1; // inside the intermediate area
    bad_sum[0x0B] -= 1; // outside it: the outer checksum still adds up
    CHECK(parse(bad_sum, ep) == DEVMEM_ERR_INTERMEDIATE_CHECKSUM);

    Bytes no_anchor = smbios2_entry_point();
    no_anchor[0x11] = 'X';
    no_anchor[0x12] -= 'X' - 'D';
    CHECK(parse(no_anchor, ep) == DEVMEM_ERR_INTERMEDIATE_ANCHOR);
}

TEST_CASE("truncated entry points and unknown anchors are rejected") {
    devmem_entry_point ep;
    Bytes sm2 = smbios2_entry_point();
    CHECK(devmem_parse_entry_point(sm2.data(), 0x1E, &ep) == DEVMEM_ERR_TRUNCATED);
    Bytes sm3 = make_entry_point({EntryPointKind::smbios3, 3, 0, 0x1000, 100, 0});
    CHECK(devmem_parse_entry_point(sm3.data(), 0x17, &ep) == DEVMEM_ERR_TRUNCATED);
    CHECK(devmem_parse_entry_point(sm3.data(), 3, &ep) == DEVMEM_ERR_TRUNCATED);
    Bytes junk(32, 0xAA);
    CHECK(parse(junk, ep) == DEVMEM_ERR_NO_ANCHOR);
}

TEST_CASE("absurd or empty table sizes are rejected") {
    devmem_entry_point ep;
    CHECK(parse(make_entry_point({EntryPointKind::smbios3, 3, 0, 0x1000, 0xFFFFFFFF, 0}), ep) ==
          DEVMEM_ERR_TABLE_SIZE);
    CHECK(parse(make_entry_point({EntryPointKind::smbios2, 2, 8, 0x1000, 0, 0}), ep) ==
          DEVMEM_ERR_TABLE_SIZE);
}

TEST_CASE("the walk counts structures up to the end-of-table marker") {
    auto machine = sample_machine(2, 8, 3);
    Bytes table = encode_table(machine);
    table.resize(table.size() + 64, 0xEE); // bytes after type 127 are not walked
    devmem_table_walk walk;
    REQUIRE(devmem_walk_table(table.data(), table.size(), 0, &walk) == DEVMEM_OK);
    CHECK(walk.structures == machine.size());
    CHECK(walk.end_of_table);
    CHECK_FALSE(walk.broken);
    CHECK(walk.bytes == table.size() - 64);
}

TEST_CASE("the walk stops at the structure count of the entry point") {
    Bytes table = encode_table(sample_machine(2, 8));
    devmem_table_walk walk;
    REQUIRE(devmem_walk_table(table.data(), table.size(), 3, &walk) == DEVMEM_OK);
    CHECK(walk.structures == 3);
    CHECK_FALSE(walk.end_of_table);
}

TEST_CASE("a table that breaks after good structures is kept and reported broken") {
    auto machine = sample_machine(2, 8);
    Bytes table = encode_table({machine[0], machine[1]});
    std::size_t good = table.size();
    table.insert(table.end(), {17, 2, 0x40, 0x00, 0, 0}); // header length below 4
    devmem_table_walk walk;
    REQUIRE(devmem_walk_table(table.data(), table.size(), 0, &walk) == DEVMEM_OK);
    CHECK(walk.structures == 2);
    CHECK(walk.broken);
    CHECK(walk.bytes == good);
}

TEST_CASE("a table without one well-formed structure is rejected") {
    Bytes zero_length{0, 0, 0, 0, 0, 0, 0, 0};
    Bytes strings_run_off{1, 8, 0, 0, 1, 2, 3, 4, 'a', 'b'};
    devmem_table_walk walk;
    CHECK(devmem_walk_table(zero_length.data(), zero_length.size(), 0, &walk) ==
          DEVMEM_ERR_TABLE_STRUCTURE);
    CHECK(devmem_walk_table(strings_run_off.data(), strings_run_off.size(), 0, &walk) ==
          DEVMEM_ERR_TABLE_STRUCTURE);
    CHECK(walk.broken);
}
