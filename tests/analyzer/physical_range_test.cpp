#include "devmem/scan/physical_range.hpp"

#include <catch2/catch.hpp>

using namespace devmem::scan;

TEST_CASE("ranges inside one area take that area's class") {
    CHECK(classify_range({0xF0000, 0xFFFFF}) == RangeClass::bios_area);
    CHECK(classify_range({0xE0000, 0xFFFFF}) == RangeClass::acpi_rsdp_window);
    CHECK(classify_range({0xEF000, 0xF0FFF}) == RangeClass::acpi_rsdp_window);
    CHECK(classify_range({0xC0000, 0xC7FFF}) == RangeClass::option_rom);
    CHECK(classify_range({0xA0000, 0xBFFFF}) == RangeClass::vga_hole);
    CHECK(classify_range({0x0, 0x3FF}) == RangeClass::real_mode_low);
    CHECK(classify_range({0x9FC00, 0x9FFFF}) == RangeClass::real_mode_low);
}

TEST_CASE("ranges spanning classes below 1 MiB are low-megabyte") {
    CHECK(classify_range({0x9F000, 0xA0FFF}) == RangeClass::low_megabyte);
    CHECK(classify_range({0xDF000, 0xE0FFF}) == RangeClass::low_megabyte);
    CHECK(classify_range({0xC0000, 0xFFFFF}) == RangeClass::low_megabyte);
    CHECK(classify_range({0x0, 0xFFFFF}) == RangeClass::low_megabyte);
}

TEST_CASE("anything reaching 1 MiB is above-1mib") {
    CHECK(classify_range({0xF0000, 0x10FFFF}) == RangeClass::above_1mib);
    CHECK(classify_range({0xFED00000, 0xFED003FF}) == RangeClass::above_1mib);
    CHECK(classify_range({0x100000, 0x100000}) == RangeClass::above_1mib);
}

TEST_CASE("servability and replacements follow the class table") {
    CHECK(servability_of(RangeClass::bios_area) == Servability::served);
    CHECK(servability_of(RangeClass::acpi_rsdp_window) == Servability::served);
    CHECK(servability_of(RangeClass::option_rom) == Servability::zeros_only);
    CHECK(servability_of(RangeClass::low_megabyte) == Servability::zeros_only);
    CHECK(servability_of(RangeClass::above_1mib) == Servability::not_servable);
    CHECK(servability_of(RangeClass::unknown) == Servability::not_servable);
    CHECK(to_string(RangeClass::acpi_rsdp_window) == "acpi-rsdp-window");
    CHECK(to_string(Servability::zeros_only) == "zeros-only");
    CHECK(replacement_for(RangeClass::bios_area) == "/sys/firmware/dmi/tables");
}
