#pragma once

// The strings that tie code to firmware tables in physical memory: fact extraction recognises
// them and the prefilter looks for them.

#include <array>
#include <string_view>

namespace devmem::scan::detail {

// Compared against the bytes of a scanned range.
inline constexpr std::array<std::string_view, 8> firmware_anchors{
    "_SM_", "_SM3_", "_DMI_", "RSD PTR ", "$PIR", "$PnP", "_32_", "_MP_"};
// The files that give the tables' physical addresses.
inline constexpr std::array<std::string_view, 2> firmware_tables{"/sys/firmware/efi/systab",
                                                                 "/proc/efi/systab"};
// Their lines' keys, compared with the line's start, or bare, as dmidecode does after cutting
// the line at '='.
inline constexpr std::array<std::string_view, 4> systab_keys{
    "SMBIOS=", "SMBIOS3=", "ACPI20=", "ACPI="};
inline constexpr std::array<std::string_view, 4> systab_names{"SMBIOS", "SMBIOS3", "ACPI20",
                                                              "ACPI"};

} // namespace devmem::scan::detail
