// The class a shim log record gives an access is the class devmem-scan gives a finding of the
// same range: the preload carries its own copy of the classification (it links libc alone), so
// both are asked about every boundary of docs/rules/README.md.
#include "range_class.hpp"

#include "devmem/scan/physical_range.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using devmem::scan::classify_range;
using devmem::scan::PhysicalRange;
using devmem::shim::range_class;
using devmem::shim::range_class_of_extent;

namespace {

// Every class boundary and its neighbours, plus the ends of the address space.
std::vector<std::uint64_t> interesting_addresses() {
    std::vector<std::uint64_t> addresses{0, 1, UINT64_MAX - 1, UINT64_MAX};
    for (std::uint64_t boundary : {0xA0000, 0xC0000, 0xE0000, 0xF0000, 0x100000})
        for (std::uint64_t address : {boundary - 2, boundary - 1, boundary, boundary + 1})
            addresses.push_back(address);
    return addresses;
}

} // namespace

TEST_CASE("the shim classes every range at and around each boundary as devmem-scan does") {
    std::vector<std::uint64_t> addresses = interesting_addresses();
    for (std::uint64_t first : addresses)
        for (std::uint64_t last : addresses) {
            INFO(std::hex << first << "-" << last);
            CHECK(std::string(range_class(first, last)) ==
                  std::string(to_string(classify_range(PhysicalRange{first, last}))));
        }
}

TEST_CASE("an extent's class is the class of its inclusive range, and nothing is unknown") {
    CHECK(std::string(range_class_of_extent(0xF0000, 0x10000)) == "bios-area");
    CHECK(std::string(range_class_of_extent(0xF0000, 0x10001)) == "above-1mib");
    CHECK(std::string(range_class_of_extent(0, 0x400)) == "real-mode-low");
    CHECK(std::string(range_class_of_extent(0xF0000, 0)) == "unknown");
    CHECK(std::string(range_class_of_extent(UINT64_MAX, 16)) == "above-1mib");
}
