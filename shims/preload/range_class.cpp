#include "range_class.hpp"

namespace devmem::shim {

const char* range_class(uint64_t first, uint64_t last) {
    auto inside = [first, last](uint64_t low, uint64_t high) {
        return first >= low && last <= high;
    };
    if (last < first)
        return "unknown";
    if (last >= 0x100000)
        return "above-1mib";
    if (inside(0xF0000, 0xFFFFF))
        return "bios-area";
    if (inside(0xE0000, 0xFFFFF))
        return "acpi-rsdp-window";
    if (inside(0xC0000, 0xDFFFF))
        return "option-rom";
    if (inside(0xA0000, 0xBFFFF))
        return "vga-hole";
    if (inside(0x0, 0x9FFFF))
        return "real-mode-low";
    return "low-megabyte";
}

const char* range_class_of_extent(uint64_t offset, uint64_t length) {
    if (length == 0)
        return "unknown";
    uint64_t room = UINT64_MAX - offset;
    return range_class(offset, offset + (length - 1 < room ? length - 1 : room));
}

} // namespace devmem::shim
