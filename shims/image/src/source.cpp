// Reading a table source: a dmidecode dump or a /sys/firmware-like directory.
#include "acpi.hpp"
#include "files.hpp"
#include <devmem/image.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace devmem;

namespace {

// The largest file a source may have: a dump is an entry point, padding and the table.
constexpr size_t file_size_limit = DEVMEM_TABLE_SIZE_LIMIT + 4096;
constexpr size_t entry_point_file_limit = 64;
constexpr size_t systab_file_limit = 4096;

struct file_buffer {
    uint8_t* data;
    size_t size;
    size_t capacity;
};

// Reads a whole file into a fresh anonymous mapping; sysfs files cannot be mmapped and do not
// always report their size, so this reads until EOF. One byte of slack detects oversize files.
devmem_status read_whole_file(const char* path, size_t limit, file_buffer& out) {
    // A signal may interrupt an open that blocks (a FIFO, a slow filesystem); the caller's
    // open of /dev/mem would not have been interrupted, so neither is this one.
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return DEVMEM_ERR_IO;
    out.capacity = limit + 1;
    out.data = files::map_anonymous(out.capacity);
    bool read_ok = out.data && files::read_fully(fd, out.data, out.capacity, &out.size);
    close(fd);
    if (!read_ok || out.size > limit) {
        if (out.data)
            munmap(out.data, out.capacity);
        out = file_buffer{};
        return read_ok ? DEVMEM_ERR_TABLE_SIZE : DEVMEM_ERR_IO;
    }
    return DEVMEM_OK;
}

void release_buffer(file_buffer& buffer) {
    if (buffer.data)
        munmap(buffer.data, buffer.capacity);
    buffer = file_buffer{};
}

// 2.x and legacy lengths are exact, so missing bytes mean a cut table. A 3.x length is only
// the maximum, and firmware that announces more than it has is common (dmidecode reads what
// is there), so a 3.x table is clamped to the data instead.
devmem_status attach_table(devmem_source& source, const uint8_t* table, size_t available) {
    const devmem_entry_point& ep = source.entry_point;
    size_t size = ep.table_length;
    if (available < size) {
        if (ep.kind != DEVMEM_ENTRY_POINT_SMBIOS3 || available == 0)
            return DEVMEM_ERR_TABLE_TRUNCATED;
        size = available;
    }
    source.table = table;
    source.table_size = uint32_t(size);
    return devmem_walk_table(table, size, ep.structure_count, &source.walk);
}

devmem_status load_entry_point_file(const char* dir, devmem_source& source) {
    char path[4096];
    if (!files::join_path(path, sizeof path, dir, "dmi/tables/smbios_entry_point"))
        return DEVMEM_ERR_IO;
    file_buffer buffer{};
    devmem_status status = read_whole_file(path, entry_point_file_limit, buffer);
    if (status != DEVMEM_OK)
        return status == DEVMEM_ERR_TABLE_SIZE ? DEVMEM_ERR_ENTRY_POINT_LENGTH : status;
    status = devmem_parse_entry_point(buffer.data, buffer.size, &source.entry_point);
    release_buffer(buffer);
    return status;
}

// A missing systab is normal (BIOS boot); an unreadable or malformed one is not.
devmem_status load_optional_systab(const char* dir, devmem_source& source) {
    char path[4096];
    if (!files::join_path(path, sizeof path, dir, "efi/systab"))
        return DEVMEM_ERR_EFI_SYSTAB;
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return DEVMEM_OK;
    file_buffer buffer{};
    devmem_status status = read_whole_file(path, systab_file_limit, buffer);
    if (status != DEVMEM_OK)
        return DEVMEM_ERR_EFI_SYSTAB;
    status =
        devmem_parse_efi_systab(reinterpret_cast<const char*>(buffer.data), buffer.size, &source);
    release_buffer(buffer);
    return status;
}

bool starts_with(const char* line, size_t length, const char* prefix) {
    size_t n = strlen(prefix);
    return length >= n && memcmp(line, prefix, n) == 0;
}

devmem_status parse_systab_address(const char* value, size_t length, uint64_t& address) {
    char text[32];
    if (length == 0 || length >= sizeof text)
        return DEVMEM_ERR_EFI_SYSTAB;
    memcpy(text, value, length);
    text[length] = '\0';
    char* end = nullptr;
    errno = 0;
    address = strtoull(text, &end, 0);
    if (errno != 0 || *end != '\0' || address >= DEVMEM_IMAGE_SIZE_LIMIT)
        return DEVMEM_ERR_EFI_SYSTAB;
    return DEVMEM_OK;
}

// The lines that give addresses, and where each kind is collected.
devmem_status parse_systab_line(const char* line, size_t length, devmem_source& source) {
    struct Kind {
        const char* prefix;
        uint64_t* addresses;
        unsigned* count;
    };
    const Kind kinds[] = {
        {"SMBIOS3=", source.efi_entry_points, &source.efi_entry_point_count},
        {"SMBIOS=", source.efi_entry_points, &source.efi_entry_point_count},
        {"ACPI20=", source.efi_rsdp_addresses, &source.efi_rsdp_count},
        {"ACPI=", source.efi_rsdp_addresses, &source.efi_rsdp_count},
    };
    for (const Kind& kind : kinds) {
        if (!starts_with(line, length, kind.prefix))
            continue;
        if (*kind.count == DEVMEM_MAX_EFI_ENTRY_POINTS)
            return DEVMEM_ERR_EFI_SYSTAB;
        size_t n = strlen(kind.prefix);
        uint64_t address = 0;
        devmem_status status = parse_systab_address(line + n, length - n, address);
        if (status == DEVMEM_OK)
            kind.addresses[(*kind.count)++] = address;
        return status;
    }
    return DEVMEM_OK;
}

} // namespace

extern "C" {

const char* devmem_status_text(devmem_status status) {
    switch (status) {
    case DEVMEM_OK:
        return "ok";
    case DEVMEM_ERR_IO:
        return "cannot read the source";
    case DEVMEM_ERR_NO_ANCHOR:
        return "no _SM3_, _SM_ or _DMI_ anchor at the entry point";
    case DEVMEM_ERR_TRUNCATED:
        return "entry point is truncated";
    case DEVMEM_ERR_ENTRY_POINT_LENGTH:
        return "entry point length is out of range";
    case DEVMEM_ERR_CHECKSUM:
        return "entry point checksum is wrong";
    case DEVMEM_ERR_INTERMEDIATE_ANCHOR:
        return "_SM_ entry point lacks the _DMI_ intermediate anchor";
    case DEVMEM_ERR_INTERMEDIATE_CHECKSUM:
        return "_DMI_ intermediate checksum is wrong";
    case DEVMEM_ERR_TABLE_SIZE:
        return "table size is absurd";
    case DEVMEM_ERR_TABLE_TRUNCATED:
        return "table is shorter than the entry point says";
    case DEVMEM_ERR_TABLE_STRUCTURE:
        return "table has no well-formed structure";
    case DEVMEM_ERR_EFI_SYSTAB:
        return "efi/systab is malformed";
    case DEVMEM_ERR_PLACEMENT:
        return "entry points and table cannot be placed in the image";
    case DEVMEM_ERR_ACPI_TABLE:
        return "an ACPI table is malformed, or there are too many";
    }
    return "unknown error";
}

devmem_status devmem_source_from_dump(const uint8_t* data, size_t size, devmem_source* source) {
    *source = devmem_source{};
    devmem_status status = devmem_parse_entry_point(data, size, &source->entry_point);
    if (status != DEVMEM_OK)
        return status;
    uint64_t table_offset = source->entry_point.table_address;
    if (table_offset < source->entry_point.size || table_offset >= size)
        return DEVMEM_ERR_TABLE_TRUNCATED;
    return attach_table(*source, data + table_offset, size - table_offset);
}

devmem_status devmem_source_load_dump(const char* path, devmem_source* source) {
    *source = devmem_source{}; // releasing after a failed read must not unmap stale pointers
    file_buffer buffer{};
    devmem_status status = read_whole_file(path, file_size_limit, buffer);
    if (status != DEVMEM_OK)
        return status;
    status = devmem_source_from_dump(buffer.data, buffer.size, source);
    source->storage = buffer.data;
    source->storage_size = buffer.capacity;
    return status;
}

devmem_status devmem_source_load_firmware_dir(const char* dir, devmem_source* source) {
    *source = devmem_source{};
    devmem_status status = load_entry_point_file(dir, *source);
    if (status != DEVMEM_OK)
        return status;
    source->table_address_known = 1;
    if ((status = load_optional_systab(dir, *source)) != DEVMEM_OK)
        return status;
    char path[4096];
    if (!files::join_path(path, sizeof path, dir, "dmi/tables/DMI"))
        return DEVMEM_ERR_IO;
    file_buffer buffer{};
    if ((status = read_whole_file(path, DEVMEM_TABLE_SIZE_LIMIT, buffer)) != DEVMEM_OK)
        return status;
    source->storage = buffer.data;
    source->storage_size = buffer.capacity;
    if ((status = attach_table(*source, buffer.data, buffer.size)) != DEVMEM_OK)
        return status;
    source->acpi_status = acpi::load_tables(dir, *source);
    if (source->acpi_status != DEVMEM_OK)
        source->acpi_table_count = 0;
    return DEVMEM_OK;
}

devmem_status devmem_parse_efi_systab(const char* text, size_t size, devmem_source* source) {
    size_t line_start = 0;
    for (size_t i = 0; i <= size; ++i) {
        if (i < size && text[i] != '\n')
            continue;
        devmem_status status = parse_systab_line(text + line_start, i - line_start, *source);
        if (status != DEVMEM_OK)
            return status;
        line_start = i + 1;
    }
    return DEVMEM_OK;
}

void devmem_source_release(devmem_source* source) {
    if (source->storage)
        munmap(source->storage, source->storage_size);
    if (source->acpi_storage)
        munmap(source->acpi_storage, source->acpi_storage_size);
    *source = devmem_source{};
}

} // extern "C"
