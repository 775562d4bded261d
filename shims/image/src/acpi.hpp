// ACPI tables of a firmware directory and the RSDP, RSDT and XSDT the image gives them.
// sysfs exposes the tables but not the root pointers, so those are synthesized.
#pragma once

#include <devmem/image.h>

namespace devmem::acpi {

// The files in DIR/acpi/tables: regular files whose header names them, with valid length and
// checksum. A directory without acpi/tables has no ACPI, which is fine.
devmem_status load_tables(const char* dir, devmem_source& source);

// Bytes the tables, RSDT and XSDT need when placed together.
uint64_t block_size(const devmem_source& source);

// Lays the tables out from block_address with the RSDP at rsdp_address, and builds the RSDP,
// RSDT, XSDT and the FADT copy whose DSDT and FACS pointers follow the placed tables.
void plan(const devmem_source& source, uint64_t rsdp_address, uint64_t block_address,
          devmem_layout& layout);

// The XSDT is placed last; its end is the end of the ACPI block.
uint64_t xsdt_size(const devmem_source& source);

bool write(int fd, const devmem_source& source, const devmem_layout& layout);

} // namespace devmem::acpi
