#include "acpi.hpp"

#include "bytes.hpp"
#include "files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace devmem::bytes;

namespace devmem::acpi {

namespace {

constexpr size_t header_size = 36;
constexpr size_t facs_min_size = 64;
constexpr uint64_t table_alignment = 64; // what FACS requires; harmless for the others
constexpr size_t name_size = 32;

struct TableNames {
    char names[DEVMEM_MAX_ACPI_TABLES][name_size];
    unsigned count;
};

uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

bool is_signature(const devmem_acpi_table& table, const char* signature) {
    return memcmp(table.signature, signature, 4) == 0;
}

// Tables the RSDT and XSDT do not list: the FADT points at them.
bool reached_through_fadt(const devmem_acpi_table& table) {
    return is_signature(table, "DSDT") || is_signature(table, "FACS");
}

// sysfs names tables by signature, numbering repeats: SSDT1, SSDT2. Subdirectories (data,
// dynamic) and anything else are not tables.
bool looks_like_table_name(const char* name) {
    size_t n = strlen(name);
    return n >= 4 && n < name_size && name[0] != '.';
}

void insert_sorted(TableNames& names, const char* name) {
    unsigned i = names.count++;
    while (i > 0 && strcmp(names.names[i - 1], name) > 0) {
        memcpy(names.names[i], names.names[i - 1], name_size);
        --i;
    }
    memcpy(names.names[i], name, strlen(name) + 1);
}

devmem_status list_tables(const char* tables_dir, TableNames& names) {
    names.count = 0;
    DIR* dir = opendir(tables_dir);
    if (!dir)
        return DEVMEM_OK;
    devmem_status status = DEVMEM_OK;
    while (dirent* entry = readdir(dir)) {
        bool regular = entry->d_type == DT_REG || entry->d_type == DT_UNKNOWN;
        if (!regular || !looks_like_table_name(entry->d_name))
            continue;
        if (names.count == DEVMEM_MAX_ACPI_TABLES) {
            status = DEVMEM_ERR_ACPI_TABLE;
            break;
        }
        insert_sorted(names, entry->d_name);
    }
    closedir(dir);
    return status;
}

devmem_status validate(const uint8_t* bytes, size_t size, const char* name) {
    bool facs = memcmp(name, "FACS", 4) == 0;
    if (size < (facs ? facs_min_size : header_size) || le32(bytes + 4) != size ||
        memcmp(bytes, name, 4) != 0)
        return DEVMEM_ERR_ACPI_TABLE;
    if (!facs && sum(bytes, size) != 0)
        return DEVMEM_ERR_ACPI_TABLE;
    if (memcmp(name, "FACP", 4) == 0 && size > DEVMEM_ACPI_FADT_MAX_SIZE)
        return DEVMEM_ERR_ACPI_TABLE;
    return DEVMEM_OK;
}

devmem_status read_table(const char* tables_dir, const char* name, uint8_t* arena, size_t room,
                         devmem_acpi_table& table) {
    char path[4096];
    if (!files::join_path(path, sizeof path, tables_dir, name))
        return DEVMEM_ERR_IO;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return fd < 0 ? DEVMEM_ERR_IO : DEVMEM_OK; // a directory: not a table
    }
    size_t size = 0;
    bool read_ok = files::read_fully(fd, arena, room, &size);
    close(fd);
    if (!read_ok)
        return DEVMEM_ERR_IO;
    devmem_status status = validate(arena, size, name);
    if (status == DEVMEM_OK) {
        memcpy(table.signature, arena, 4);
        table.signature[4] = '\0';
        table.bytes = arena;
        table.size = uint32_t(size);
    }
    return status;
}

const devmem_acpi_table* find(const devmem_source& source, const char* signature, uint64_t* address,
                              const devmem_layout& layout) {
    for (unsigned i = 0; i < source.acpi_table_count; ++i)
        if (is_signature(source.acpi_tables[i], signature)) {
            *address = layout.acpi_table_addresses[i];
            return &source.acpi_tables[i];
        }
    return nullptr;
}

// Sets a FADT pointer pair to the placed table: the fields the firmware filled, or the 32-bit
// one when it filled neither.
void point_fadt_at(uint8_t* fadt, uint32_t size, size_t field32, size_t field64, uint64_t address) {
    bool has64 = size >= field64 + 8;
    bool set32 = le32(fadt + field32) != 0 || !has64 || le64(fadt + field64) == 0;
    if (set32)
        put_le32(fadt + field32, uint32_t(address));
    if (has64 && le64(fadt + field64) != 0)
        put_le64(fadt + field64, address);
}

void patch_fadt(const devmem_source& source, devmem_layout& layout) {
    uint64_t fadt_address = 0;
    const devmem_acpi_table* fadt = find(source, "FACP", &fadt_address, layout);
    if (!fadt)
        return;
    memcpy(layout.fadt, fadt->bytes, fadt->size);
    uint64_t address = 0;
    if (find(source, "FACS", &address, layout))
        point_fadt_at(layout.fadt, fadt->size, 36, 132, address);
    if (find(source, "DSDT", &address, layout))
        point_fadt_at(layout.fadt, fadt->size, 40, 140, address);
    fix_checksum(layout.fadt, fadt->size, 9);
}

// The OEM fields of the synthesized tables come from the FADT, as firmware makes them agree.
const uint8_t* oem_id(const devmem_source& source) {
    for (unsigned i = 0; i < source.acpi_table_count; ++i)
        if (is_signature(source.acpi_tables[i], "FACP"))
            return source.acpi_tables[i].bytes + 10;
    return reinterpret_cast<const uint8_t*>("DEVMEM");
}

// Fixed-width ACPI text fields: not NUL-terminated.
void put_text(uint8_t* field, const char* text, size_t width) {
    for (size_t i = 0; i < width; ++i)
        field[i] = uint8_t(text[i]);
}

void write_header(uint8_t* table, const char* signature, uint32_t length, const uint8_t* oem) {
    memset(table, 0, header_size);
    put_text(table, signature, 4);
    put_le32(table + 4, length);
    table[8] = 1;
    memcpy(table + 10, oem, 6);
    put_text(table + 16, "DEVMEMSH", 8);
    put_le32(table + 24, 1);
    put_text(table + 28, "DVMM", 4);
    put_le32(table + 32, 1);
}

size_t listed_count(const devmem_source& source) {
    size_t count = 0;
    for (unsigned i = 0; i < source.acpi_table_count; ++i)
        count += !reached_through_fadt(source.acpi_tables[i]);
    return count;
}

void build_root_tables(const devmem_source& source, devmem_layout& layout) {
    const uint8_t* oem = oem_id(source);
    size_t count = listed_count(source);
    write_header(layout.rsdt, "RSDT", uint32_t(header_size + 4 * count), oem);
    write_header(layout.xsdt, "XSDT", uint32_t(header_size + 8 * count), oem);
    size_t entry = 0;
    for (unsigned i = 0; i < source.acpi_table_count; ++i) {
        if (reached_through_fadt(source.acpi_tables[i]))
            continue;
        put_le32(layout.rsdt + header_size + 4 * entry, uint32_t(layout.acpi_table_addresses[i]));
        put_le64(layout.xsdt + header_size + 8 * entry, layout.acpi_table_addresses[i]);
        ++entry;
    }
    fix_checksum(layout.rsdt, header_size + 4 * count, 9);
    fix_checksum(layout.xsdt, header_size + 8 * count, 9);
}

void build_rsdp(const devmem_source& source, devmem_layout& layout) {
    uint8_t* rsdp = layout.rsdp;
    memset(rsdp, 0, DEVMEM_ACPI_RSDP_SIZE);
    put_text(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, oem_id(source), 6);
    rsdp[15] = 2; // ACPI 2.0+: RSDT and XSDT
    put_le32(rsdp + 16, uint32_t(layout.rsdt_address));
    put_le32(rsdp + 20, DEVMEM_ACPI_RSDP_SIZE);
    put_le64(rsdp + 24, layout.xsdt_address);
    fix_checksum(rsdp, 20, 8);
    fix_checksum(rsdp, DEVMEM_ACPI_RSDP_SIZE, 32);
}

} // namespace

devmem_status load_tables(const char* dir, devmem_source& source) {
    char tables_dir[4096];
    TableNames names;
    if (!files::join_path(tables_dir, sizeof tables_dir, dir, "acpi/tables"))
        return DEVMEM_ERR_IO;
    devmem_status status = list_tables(tables_dir, names);
    if (status != DEVMEM_OK || names.count == 0)
        return status;
    uint8_t* arena = files::map_anonymous(DEVMEM_ACPI_SIZE_LIMIT);
    if (!arena)
        return DEVMEM_ERR_IO;
    source.acpi_storage = arena;
    source.acpi_storage_size = DEVMEM_ACPI_SIZE_LIMIT;
    size_t used = 0;
    for (unsigned i = 0; i < names.count && status == DEVMEM_OK; ++i) {
        devmem_acpi_table& table = source.acpi_tables[source.acpi_table_count];
        table = devmem_acpi_table{};
        status = read_table(tables_dir, names.names[i], arena + used, DEVMEM_ACPI_SIZE_LIMIT - used,
                            table);
        if (status == DEVMEM_OK && table.bytes) {
            used += align_up(table.size, 16);
            ++source.acpi_table_count;
        }
        if (used >= DEVMEM_ACPI_SIZE_LIMIT)
            status = DEVMEM_ERR_ACPI_TABLE;
    }
    return status;
}

uint64_t xsdt_size(const devmem_source& source) {
    return source.acpi_table_count ? header_size + 8 * listed_count(source) : 0;
}

uint64_t block_size(const devmem_source& source) {
    uint64_t size = 0;
    for (unsigned i = 0; i < source.acpi_table_count; ++i)
        size += align_up(source.acpi_tables[i].size, table_alignment);
    size_t count = listed_count(source);
    return size + align_up(header_size + 4 * count, table_alignment) +
           align_up(header_size + 8 * count, table_alignment);
}

void plan(const devmem_source& source, uint64_t rsdp_address, uint64_t block_address,
          devmem_layout& layout) {
    uint64_t next = block_address;
    for (unsigned i = 0; i < source.acpi_table_count; ++i) {
        layout.acpi_table_addresses[i] = next;
        next += align_up(source.acpi_tables[i].size, table_alignment);
    }
    size_t count = listed_count(source);
    layout.rsdt_address = next;
    layout.xsdt_address = next + align_up(header_size + 4 * count, table_alignment);
    layout.rsdp_address = rsdp_address;
    patch_fadt(source, layout);
    build_root_tables(source, layout);
    build_rsdp(source, layout);
}

bool write(int fd, const devmem_source& source, const devmem_layout& layout) {
    if (source.acpi_table_count == 0)
        return true;
    for (unsigned i = 0; i < source.acpi_table_count; ++i) {
        const devmem_acpi_table& table = source.acpi_tables[i];
        const uint8_t* bytes = is_signature(table, "FACP") ? layout.fadt : table.bytes;
        if (!files::write_all_at(fd, bytes, table.size, layout.acpi_table_addresses[i]))
            return false;
    }
    size_t count = listed_count(source);
    for (unsigned i = 0; i < layout.efi_rsdp_count; ++i)
        if (!files::write_all_at(fd, layout.rsdp, DEVMEM_ACPI_RSDP_SIZE,
                                 layout.efi_rsdp_addresses[i]))
            return false;
    return files::write_all_at(fd, layout.rsdt, header_size + 4 * count, layout.rsdt_address) &&
           files::write_all_at(fd, layout.xsdt, header_size + 8 * count, layout.xsdt_address) &&
           files::write_all_at(fd, layout.rsdp, DEVMEM_ACPI_RSDP_SIZE, layout.rsdp_address);
}

} // namespace devmem::acpi
