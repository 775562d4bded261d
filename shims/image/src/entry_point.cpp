// Entry point parsing and the structure walk, following the SMBIOS specification (DSP0134) and
// the tolerances dmidecode 3.4 has for real firmware.
#include "bytes.hpp"
#include <devmem/image.h>

#include <string.h>

using namespace devmem::bytes;

namespace {

constexpr size_t smbios3_size = 0x18;
constexpr size_t smbios2_size = 0x1F;
constexpr size_t legacy_size = 0x0F;
constexpr size_t intermediate_offset = 0x10;
constexpr size_t intermediate_size = 0x0F;

devmem_status check_table_length(const devmem_entry_point& ep) {
    if (ep.table_length < 4 || ep.table_length > DEVMEM_TABLE_SIZE_LIMIT)
        return DEVMEM_ERR_TABLE_SIZE;
    return DEVMEM_OK;
}

// The table fields of a `_DMI_` structure: the legacy entry point itself, or the intermediate
// one inside a 2.x entry point, whose table fields are exactly these.
void read_dmi_table_fields(const uint8_t* dmi, devmem_entry_point& ep) {
    ep.table_length = le16(dmi + 0x06);
    ep.table_address = le32(dmi + 0x08);
    ep.structure_count = le16(dmi + 0x0C);
}

devmem_status parse_smbios3(const uint8_t* data, size_t size, devmem_entry_point& ep) {
    if (size < 7)
        return DEVMEM_ERR_TRUNCATED;
    uint8_t length = data[6];
    if (length < smbios3_size || length > DEVMEM_ENTRY_POINT_MAX_SIZE)
        return DEVMEM_ERR_ENTRY_POINT_LENGTH;
    if (size < length)
        return DEVMEM_ERR_TRUNCATED;
    if (sum(data, length) != 0)
        return DEVMEM_ERR_CHECKSUM;
    ep.kind = DEVMEM_ENTRY_POINT_SMBIOS3;
    ep.size = length;
    ep.major = data[7];
    ep.minor = data[8];
    ep.docrev = data[9];
    ep.table_length = le32(data + 0x0C);
    ep.table_address = le64(data + 0x10);
    ep.structure_count = 0;
    return DEVMEM_OK;
}

// SMBIOS 2.1 said the length is 0x1E, and a few firmwares checksum 0x20 bytes; dmidecode reads
// both, so they are accepted here too.
devmem_status parse_smbios2(const uint8_t* data, size_t size, devmem_entry_point& ep) {
    if (size < 6)
        return DEVMEM_ERR_TRUNCATED;
    uint8_t length = data[5];
    if (length < smbios2_size - 1 || length > DEVMEM_ENTRY_POINT_MAX_SIZE)
        return DEVMEM_ERR_ENTRY_POINT_LENGTH;
    size_t extent = length > smbios2_size ? length : smbios2_size;
    if (size < extent)
        return DEVMEM_ERR_TRUNCATED;
    if (sum(data, length) != 0)
        return DEVMEM_ERR_CHECKSUM;
    if (!same(data + intermediate_offset, "_DMI_", 5))
        return DEVMEM_ERR_INTERMEDIATE_ANCHOR;
    if (sum(data + intermediate_offset, intermediate_size) != 0)
        return DEVMEM_ERR_INTERMEDIATE_CHECKSUM;
    ep.kind = DEVMEM_ENTRY_POINT_SMBIOS2;
    ep.size = uint8_t(extent);
    ep.major = data[6];
    ep.minor = data[7];
    ep.docrev = 0;
    read_dmi_table_fields(data + intermediate_offset, ep);
    return DEVMEM_OK;
}

devmem_status parse_legacy(const uint8_t* data, size_t size, devmem_entry_point& ep) {
    if (size < legacy_size)
        return DEVMEM_ERR_TRUNCATED;
    if (sum(data, legacy_size) != 0)
        return DEVMEM_ERR_CHECKSUM;
    uint8_t bcd_revision = data[0x0E];
    ep.kind = DEVMEM_ENTRY_POINT_LEGACY_DMI;
    ep.size = legacy_size;
    ep.major = bcd_revision >> 4;
    ep.minor = bcd_revision & 0x0F;
    ep.docrev = 0;
    read_dmi_table_fields(data, ep);
    return DEVMEM_OK;
}

devmem_status parse_by_anchor(const uint8_t* data, size_t size, devmem_entry_point& ep) {
    if (size >= 5 && same(data, "_SM3_", 5))
        return parse_smbios3(data, size, ep);
    if (size >= 4 && same(data, "_SM_", 4))
        return parse_smbios2(data, size, ep);
    if (size >= 5 && same(data, "_DMI_", 5))
        return parse_legacy(data, size, ep);
    return size < 5 ? DEVMEM_ERR_TRUNCATED : DEVMEM_ERR_NO_ANCHOR;
}

// Offset just past the string set that starts at `from`, or 0 when it runs off the data.
size_t end_of_strings(const uint8_t* table, size_t size, size_t from) {
    for (size_t i = from; i + 1 < size; ++i)
        if (table[i] == 0 && table[i + 1] == 0)
            return i + 2;
    return 0;
}

} // namespace

extern "C" {

const char* devmem_entry_point_kind_name(devmem_entry_point_kind kind) {
    switch (kind) {
    case DEVMEM_ENTRY_POINT_SMBIOS3:
        return "SMBIOS 3.x (_SM3_)";
    case DEVMEM_ENTRY_POINT_SMBIOS2:
        return "SMBIOS 2.x (_SM_)";
    case DEVMEM_ENTRY_POINT_LEGACY_DMI:
        return "legacy DMI (_DMI_)";
    }
    return "unknown";
}

devmem_status devmem_parse_entry_point(const uint8_t* data, size_t size, devmem_entry_point* ep) {
    *ep = devmem_entry_point{};
    devmem_status status = parse_by_anchor(data, size, *ep);
    if (status != DEVMEM_OK)
        return status;
    memcpy(ep->bytes, data, ep->size);
    return check_table_length(*ep);
}

devmem_status devmem_walk_table(const uint8_t* table, size_t size, uint16_t structure_count,
                                devmem_table_walk* walk) {
    *walk = devmem_table_walk{};
    size_t offset = 0;
    while (offset + 4 <= size && (structure_count == 0 || walk->structures < structure_count)) {
        uint8_t type = table[offset];
        uint8_t length = table[offset + 1];
        size_t next = length < 4 ? 0 : end_of_strings(table, size, offset + length);
        if (next == 0) {
            walk->broken = 1;
            break;
        }
        ++walk->structures;
        offset = next;
        if (type == 127) {
            walk->end_of_table = 1;
            break;
        }
    }
    walk->bytes = uint32_t(offset);
    return walk->structures == 0 ? DEVMEM_ERR_TABLE_STRUCTURE : DEVMEM_OK;
}

} // extern "C"
