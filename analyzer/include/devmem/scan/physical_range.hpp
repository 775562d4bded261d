#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace devmem::scan {

// Where in the physical address space an access lands, as classified in docs/rules/README.md.
enum class RangeClass {
    bios_area,
    acpi_rsdp_window,
    option_rom,
    vga_hole,
    real_mode_low,
    low_megabyte,
    above_1mib,
    unknown,
};

// Whether the compatibility shim can answer an access to that class.
enum class Servability { served, zeros_only, not_servable };

// An inclusive physical address range.
struct PhysicalRange {
    std::uint64_t start = 0;
    std::uint64_t end = 0;
};

RangeClass classify_range(PhysicalRange range);
Servability servability_of(RangeClass range_class);
std::string_view to_string(RangeClass range_class);
// The class spelled as to_string spells it ("vga-hole"), if there is one.
std::optional<RangeClass> range_class_named(std::string_view name);
std::string_view to_string(Servability servability);
// What a consumer of that range should read instead of /dev/mem.
std::string_view replacement_for(RangeClass range_class);

} // namespace devmem::scan
