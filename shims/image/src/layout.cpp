// Placing entry points and table in the image, and writing the image into a sealed memfd.
#include "acpi.hpp"
#include "bytes.hpp"
#include "files.hpp"
#include <devmem/image.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace devmem;
using namespace devmem::bytes;

namespace {

constexpr uint64_t entry_point_slot = DEVMEM_ENTRY_POINT_MAX_SIZE;
constexpr uint64_t four_gib = 1ull << 32;
constexpr uint64_t page_size = 4096;

uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size) {
    return a < b + b_size && b < a + a_size;
}

bool overlaps_any(const uint64_t* addresses, unsigned count, uint64_t address, uint64_t size) {
    for (unsigned i = 0; i < count; ++i)
        if (overlaps(address, size, addresses[i], entry_point_slot))
            return true;
    return false;
}

unsigned index_of(const uint64_t* addresses, unsigned count, uint64_t address) {
    unsigned i = 0;
    while (i < count && addresses[i] != address)
        ++i;
    return i;
}

bool overlaps_any_entry_point(const devmem_layout& layout, uint64_t address, uint64_t size) {
    return overlaps_any(layout.entry_point_addresses, layout.entry_point_count, address, size);
}

// The copies at the addresses efi/systab advertises go first, then the F-segment copy takes the
// lowest 16-byte slot that does not collide with them (or is one of them). It ends up at [0].
devmem_status place_entry_points(const devmem_source& source, devmem_layout& layout) {
    uint64_t* efi = layout.entry_point_addresses + 1;
    unsigned efi_count = 0;
    for (unsigned i = 0; i < source.efi_entry_point_count; ++i) {
        uint64_t address = source.efi_entry_points[i];
        if (index_of(efi, efi_count, address) < efi_count)
            continue;
        if (overlaps_any(efi, efi_count, address, entry_point_slot))
            return DEVMEM_ERR_PLACEMENT;
        efi[efi_count++] = address;
    }
    uint64_t slot = DEVMEM_F_SEGMENT_START;
    unsigned shared_with = efi_count;
    for (; slot + entry_point_slot <= DEVMEM_F_SEGMENT_END; slot += 16) {
        shared_with = index_of(efi, efi_count, slot);
        if (shared_with < efi_count || !overlaps_any(efi, efi_count, slot, entry_point_slot))
            break;
    }
    if (slot + entry_point_slot > DEVMEM_F_SEGMENT_END)
        return DEVMEM_ERR_PLACEMENT;
    if (shared_with < efi_count)
        efi[shared_with] = efi[--efi_count];
    layout.entry_point_addresses[0] = slot;
    layout.entry_point_count = 1 + efi_count;
    return DEVMEM_OK;
}

bool table_fits_at(const devmem_layout& layout, uint64_t address, uint64_t size) {
    return address + size <= four_gib && !overlaps_any_entry_point(layout, address, size);
}

void place_table(const devmem_source& source, devmem_layout& layout) {
    uint64_t size = source.table_size;
    uint64_t original = source.entry_point.table_address;
    if (source.table_address_known && table_fits_at(layout, original, size)) {
        layout.table_address = original;
        return;
    }
    uint64_t address = DEVMEM_RELOCATED_TABLE_ADDRESS;
    while (!table_fits_at(layout, address, size))
        address = align_up(address + entry_point_slot, page_size);
    layout.table_address = address;
    layout.table_relocated = 1;
}

bool overlaps_any_rsdp(const devmem_layout& layout, uint64_t address, uint64_t size) {
    bool placed = layout.rsdp_address != 0;
    return overlaps_any(layout.efi_rsdp_addresses, layout.efi_rsdp_count, address, size) ||
           (placed && overlaps(address, size, layout.rsdp_address, DEVMEM_ACPI_RSDP_SIZE));
}

bool is_clear(const devmem_layout& layout, uint64_t address, uint64_t size) {
    return !overlaps_any_entry_point(layout, address, size) &&
           !overlaps(address, size, layout.table_address, layout.table_size) &&
           !overlaps_any_rsdp(layout, address, size);
}

// The first address from `from`, in steps of `alignment`, where size bytes collide with nothing
// placed so far and end by `limit`; `limit` when there is none.
uint64_t next_clear(const devmem_layout& layout, uint64_t from, uint64_t size, uint64_t alignment,
                    uint64_t limit) {
    for (uint64_t address = from; address + size <= limit; address += alignment)
        if (is_clear(layout, address, size))
            return address;
    return limit;
}

// The RSDP goes where a legacy scanner looks (16-byte aligned in the F segment) and to every
// address efi/systab gives; the tables, RSDT and XSDT go together in the first free pages
// above 1 MiB.
devmem_status place_acpi(const devmem_source& source, devmem_layout& layout) {
    if (source.acpi_table_count == 0)
        return DEVMEM_OK;
    for (unsigned i = 0; i < source.efi_rsdp_count; ++i) {
        uint64_t address = source.efi_rsdp_addresses[i];
        if (index_of(layout.efi_rsdp_addresses, layout.efi_rsdp_count, address) <
            layout.efi_rsdp_count)
            continue;
        if (!is_clear(layout, address, DEVMEM_ACPI_RSDP_SIZE))
            return DEVMEM_ERR_PLACEMENT;
        layout.efi_rsdp_addresses[layout.efi_rsdp_count++] = address;
    }
    uint64_t rsdp =
        next_clear(layout, DEVMEM_F_SEGMENT_START, DEVMEM_ACPI_RSDP_SIZE, 16, DEVMEM_F_SEGMENT_END);
    uint64_t size = acpi::block_size(source);
    uint64_t block = next_clear(layout, DEVMEM_RELOCATED_TABLE_ADDRESS, size, page_size, four_gib);
    if (rsdp == DEVMEM_F_SEGMENT_END || block == four_gib)
        return DEVMEM_ERR_PLACEMENT;
    acpi::plan(source, rsdp, block, layout);
    return DEVMEM_OK;
}

// The placed entry point describes the placed table; checksums follow the rewritten fields.
void rewrite_entry_point(devmem_layout& layout) {
    devmem_entry_point& ep = layout.entry_point;
    uint8_t* b = ep.bytes;
    ep.table_address = layout.table_address;
    switch (ep.kind) {
    case DEVMEM_ENTRY_POINT_SMBIOS3:
        ep.table_length = layout.table_size;
        put_le32(b + 0x0C, layout.table_size);
        put_le64(b + 0x10, layout.table_address);
        fix_checksum(b, b[0x06], 0x05);
        break;
    case DEVMEM_ENTRY_POINT_SMBIOS2:
        put_le32(b + 0x18, uint32_t(layout.table_address));
        fix_checksum(b + 0x10, 0x0F, 0x05);
        fix_checksum(b, b[0x05], 0x04);
        break;
    case DEVMEM_ENTRY_POINT_LEGACY_DMI:
        put_le32(b + 0x08, uint32_t(layout.table_address));
        fix_checksum(b, 0x0F, 0x05);
        break;
    }
}

uint64_t image_size(const devmem_source& source, const devmem_layout& layout) {
    uint64_t end = DEVMEM_IMAGE_MIN_SIZE;
    for (unsigned i = 0; i < layout.entry_point_count; ++i)
        if (layout.entry_point_addresses[i] + entry_point_slot > end)
            end = layout.entry_point_addresses[i] + entry_point_slot;
    if (layout.table_address + layout.table_size > end)
        end = layout.table_address + layout.table_size;
    for (unsigned i = 0; i < layout.efi_rsdp_count; ++i)
        if (layout.efi_rsdp_addresses[i] + DEVMEM_ACPI_RSDP_SIZE > end)
            end = layout.efi_rsdp_addresses[i] + DEVMEM_ACPI_RSDP_SIZE;
    if (layout.xsdt_address + acpi::xsdt_size(source) > end)
        end = layout.xsdt_address + acpi::xsdt_size(source);
    return align_up(end, page_size);
}

constexpr int all_seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;

} // namespace

extern "C" {

devmem_status devmem_plan_layout(const devmem_source* source, devmem_layout* layout) {
    *layout = devmem_layout{};
    devmem_status status = place_entry_points(*source, *layout);
    if (status != DEVMEM_OK)
        return status;
    layout->table_size = source->table_size;
    place_table(*source, *layout);
    layout->entry_point = source->entry_point;
    rewrite_entry_point(*layout);
    if ((status = place_acpi(*source, *layout)) != DEVMEM_OK)
        return status;
    layout->image_size = image_size(*source, *layout);
    return layout->image_size > DEVMEM_IMAGE_SIZE_LIMIT ? DEVMEM_ERR_PLACEMENT : DEVMEM_OK;
}

devmem_status devmem_write_image(int fd, const devmem_source* source, const devmem_layout* layout) {
    if (!files::within_file_size_limit(layout->image_size) ||
        ftruncate(fd, off_t(layout->image_size)) != 0)
        return DEVMEM_ERR_IO;
    const devmem_entry_point& ep = layout->entry_point;
    for (unsigned i = 0; i < layout->entry_point_count; ++i)
        if (!files::write_all_at(fd, ep.bytes, ep.size, layout->entry_point_addresses[i]))
            return DEVMEM_ERR_IO;
    if (!files::write_all_at(fd, source->table, layout->table_size, layout->table_address) ||
        !acpi::write(fd, *source, *layout))
        return DEVMEM_ERR_IO;
    return DEVMEM_OK;
}

int devmem_create_memfd(const char* name) {
    return memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

devmem_status devmem_fill_image_memfd(int fd, const devmem_source* source,
                                      const devmem_layout* layout) {
    devmem_status status = devmem_write_image(fd, source, layout);
    if (status == DEVMEM_OK && fcntl(fd, F_ADD_SEALS, all_seals) != 0)
        status = DEVMEM_ERR_IO;
    return status;
}

devmem_status devmem_fill_sealed_memfd(int fd, const void* bytes, size_t size) {
    if (!files::within_file_size_limit(size) || !files::write_all_at(fd, bytes, size, 0) ||
        fcntl(fd, F_ADD_SEALS, all_seals) != 0)
        return DEVMEM_ERR_IO;
    return DEVMEM_OK;
}

int devmem_create_image_memfd(const devmem_source* source, const devmem_layout* layout,
                              devmem_status* status) {
    int fd = devmem_create_memfd(DEVMEM_IMAGE_MEMFD_NAME);
    *status = fd < 0 ? DEVMEM_ERR_IO : devmem_fill_image_memfd(fd, source, layout);
    if (*status != DEVMEM_OK && fd >= 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int devmem_create_sealed_memfd(const char* name, const void* bytes, size_t size) {
    int fd = devmem_create_memfd(name);
    if (fd >= 0 && devmem_fill_sealed_memfd(fd, bytes, size) != DEVMEM_OK) {
        close(fd);
        fd = -1;
    }
    return fd;
}

} // extern "C"
