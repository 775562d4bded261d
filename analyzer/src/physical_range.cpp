#include "devmem/scan/physical_range.hpp"

namespace devmem::scan {

namespace {

bool inside(PhysicalRange range, std::uint64_t first, std::uint64_t last) {
    return range.start >= first && range.end <= last;
}

} // namespace

RangeClass classify_range(PhysicalRange range) {
    if (range.end < range.start) {
        return RangeClass::unknown;
    }
    if (range.end >= 0x100000) {
        return RangeClass::above_1mib;
    }
    if (inside(range, 0xF0000, 0xFFFFF)) {
        return RangeClass::bios_area;
    }
    if (inside(range, 0xE0000, 0xFFFFF)) {
        return RangeClass::acpi_rsdp_window;
    }
    if (inside(range, 0xC0000, 0xDFFFF)) {
        return RangeClass::option_rom;
    }
    if (inside(range, 0xA0000, 0xBFFFF)) {
        return RangeClass::vga_hole;
    }
    if (inside(range, 0x0, 0x9FFFF)) {
        return RangeClass::real_mode_low;
    }
    return RangeClass::low_megabyte;
}

Servability servability_of(RangeClass range_class) {
    switch (range_class) {
    case RangeClass::bios_area:
    case RangeClass::acpi_rsdp_window:
        return Servability::served;
    case RangeClass::option_rom:
    case RangeClass::vga_hole:
    case RangeClass::real_mode_low:
    case RangeClass::low_megabyte:
        return Servability::zeros_only;
    case RangeClass::above_1mib:
    case RangeClass::unknown:
        return Servability::not_servable;
    }
    return Servability::not_servable;
}

std::string_view to_string(RangeClass range_class) {
    switch (range_class) {
    case RangeClass::bios_area:
        return "bios-area";
    case RangeClass::acpi_rsdp_window:
        return "acpi-rsdp-window";
    case RangeClass::option_rom:
        return "option-rom";
    case RangeClass::vga_hole:
        return "vga-hole";
    case RangeClass::real_mode_low:
        return "real-mode-low";
    case RangeClass::low_megabyte:
        return "low-megabyte";
    case RangeClass::above_1mib:
        return "above-1mib";
    case RangeClass::unknown:
        return "unknown";
    }
    return "unknown";
}

std::optional<RangeClass> range_class_named(std::string_view name) {
    for (const auto range_class :
         {RangeClass::bios_area, RangeClass::acpi_rsdp_window, RangeClass::option_rom,
          RangeClass::vga_hole, RangeClass::real_mode_low, RangeClass::low_megabyte,
          RangeClass::above_1mib, RangeClass::unknown}) {
        if (to_string(range_class) == name) {
            return range_class;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Servability servability) {
    switch (servability) {
    case Servability::served:
        return "served";
    case Servability::zeros_only:
        return "zeros-only";
    case Servability::not_servable:
        return "not-servable";
    }
    return "not-servable";
}

std::string_view replacement_for(RangeClass range_class) {
    switch (range_class) {
    case RangeClass::bios_area:
        return "/sys/firmware/dmi/tables";
    case RangeClass::acpi_rsdp_window:
        return "/sys/firmware/acpi/tables";
    case RangeClass::option_rom:
        return "/sys/bus/pci/devices/*/rom";
    case RangeClass::vga_hole:
        return "a kernel driver (fbdev/DRM)";
    case RangeClass::real_mode_low:
        return "a kernel driver or sysfs attribute";
    case RangeClass::low_megabyte:
    case RangeClass::unknown:
        return "depends on what is read";
    case RangeClass::above_1mib:
        return "/sys/bus/pci/devices/*/resourceN or a kernel driver";
    }
    return "depends on what is read";
}

} // namespace devmem::scan
