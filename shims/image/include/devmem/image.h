/* Synthetic physical-memory image of the firmware tables a /dev/mem reader looks for.
 *
 * C-callable and free of the C++ runtime: the preload library links it into other people's
 * processes. Nothing here throws or allocates from the heap; file contents live in anonymous
 * mappings owned by struct devmem_source and the image itself lives in a sealed memfd. */
#ifndef DEVMEM_IMAGE_H
#define DEVMEM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum devmem_status {
    DEVMEM_OK = 0,
    DEVMEM_ERR_IO,
    DEVMEM_ERR_NO_ANCHOR,
    DEVMEM_ERR_TRUNCATED,
    DEVMEM_ERR_ENTRY_POINT_LENGTH,
    DEVMEM_ERR_CHECKSUM,
    DEVMEM_ERR_INTERMEDIATE_ANCHOR,
    DEVMEM_ERR_INTERMEDIATE_CHECKSUM,
    DEVMEM_ERR_TABLE_SIZE,
    DEVMEM_ERR_TABLE_TRUNCATED,
    DEVMEM_ERR_TABLE_STRUCTURE,
    DEVMEM_ERR_EFI_SYSTAB,
    DEVMEM_ERR_PLACEMENT,
    DEVMEM_ERR_ACPI_TABLE,
};

/* A sentence naming what is wrong, for messages and logs. */
const char* devmem_status_text(enum devmem_status status);

enum devmem_entry_point_kind {
    DEVMEM_ENTRY_POINT_SMBIOS3,    /* "_SM3_", 64-bit table address, maximum table size */
    DEVMEM_ENTRY_POINT_SMBIOS2,    /* "_SM_" followed by the "_DMI_" intermediate anchor */
    DEVMEM_ENTRY_POINT_LEGACY_DMI, /* "_DMI_" alone (SMBIOS 2.0 and DMI 2.x firmware) */
};

const char* devmem_entry_point_kind_name(enum devmem_entry_point_kind kind);

#define DEVMEM_ENTRY_POINT_MAX_SIZE 32
/* Larger tables are treated as corrupt; real ones stay well below 1 MiB. */
#define DEVMEM_TABLE_SIZE_LIMIT (16u << 20)

struct devmem_entry_point {
    enum devmem_entry_point_kind kind;
    uint8_t major;
    uint8_t minor;
    uint8_t docrev;
    /* Bytes that belong to the entry point: the checksummed length, at least 0x1F for _SM_
     * (whose intermediate area reaches 0x1F even when the length byte says 0x1E). */
    uint8_t size;
    uint8_t bytes[DEVMEM_ENTRY_POINT_MAX_SIZE];
    uint64_t table_address;
    /* Exact length for 2.x and legacy, an upper bound for 3.x. */
    uint32_t table_length;
    /* 0 for 3.x, which has no count field. */
    uint16_t structure_count;
};

/* Validates anchor, length, checksums and table size of the entry point at data[0]. */
enum devmem_status devmem_parse_entry_point(const uint8_t* data, size_t size,
                                            struct devmem_entry_point* entry_point);

struct devmem_table_walk {
    uint32_t structures;
    uint32_t bytes;   /* up to the end of the last well-formed structure */
    int end_of_table; /* a type 127 structure was reached */
    int broken;       /* the walk stopped on a malformed structure before the end */
};

/* Walks the structures with bounds checks, as a decoder would: up to structure_count (when not
 * 0), a type 127, or the end of the data. Fails only when not one structure is well-formed:
 * a table that breaks later is what the machine has, and consumers report it themselves. */
enum devmem_status devmem_walk_table(const uint8_t* table, size_t size, uint16_t structure_count,
                                     struct devmem_table_walk* walk);

#define DEVMEM_MAX_EFI_ENTRY_POINTS 4

#define DEVMEM_MAX_ACPI_TABLES 64
/* All ACPI tables of a source together; a DSDT is rarely above 1 MiB. */
#define DEVMEM_ACPI_SIZE_LIMIT (16u << 20)
/* The largest FADT (ACPI 6.5) is 276 bytes; the placed copy is patched, so it is bounded. */
#define DEVMEM_ACPI_FADT_MAX_SIZE 512
#define DEVMEM_ACPI_RSDP_SIZE 36

struct devmem_acpi_table {
    char signature[5];
    const uint8_t* bytes;
    uint32_t size;
};

struct devmem_source {
    struct devmem_entry_point entry_point;
    const uint8_t* table;
    /* Bytes the table really has; a 3.x maximum larger than the data is clamped to it. */
    uint32_t table_size;
    /* A dump's address field is a file offset, not a physical address. */
    int table_address_known;
    uint64_t efi_entry_points[DEVMEM_MAX_EFI_ENTRY_POINTS];
    unsigned efi_entry_point_count;
    /* efi/systab ACPI20= and ACPI= lines: where an EFI reader looks for the RSDP. */
    uint64_t efi_rsdp_addresses[DEVMEM_MAX_EFI_ENTRY_POINTS];
    unsigned efi_rsdp_count;
    struct devmem_table_walk walk;
    void* storage; /* owned mapping that table points into, or NULL for caller-owned bytes */
    size_t storage_size;
    /* Firmware directories only: the files in DIR/acpi/tables, sorted by name. ACPI is optional
     * where SMBIOS is not: when a table is malformed there are none, and acpi_status says why. */
    struct devmem_acpi_table acpi_tables[DEVMEM_MAX_ACPI_TABLES];
    unsigned acpi_table_count;
    enum devmem_status acpi_status;
    void* acpi_storage;
    size_t acpi_storage_size;
};

/* A dmidecode --dump-bin image in memory: entry point at 0, table at its address field.
 * The source points into data, which must outlive it. */
enum devmem_status devmem_source_from_dump(const uint8_t* data, size_t size,
                                           struct devmem_source* source);

/* A file written by dmidecode --dump-bin. */
enum devmem_status devmem_source_load_dump(const char* path, struct devmem_source* source);

/* A directory laid out like /sys/firmware: dmi/tables/{smbios_entry_point,DMI} and optionally
 * efi/systab, whose SMBIOS= and SMBIOS3= lines say where the firmware published the entry
 * point, and acpi/tables/, whose tables get an RSDP, RSDT and XSDT synthesized for them
 * (sysfs exposes neither). Release the source after any load, successful or not. */
enum devmem_status devmem_source_load_firmware_dir(const char* dir, struct devmem_source* source);

/* Parses efi/systab text: collects SMBIOS=, SMBIOS3=, ACPI20= and ACPI= addresses. */
enum devmem_status devmem_parse_efi_systab(const char* text, size_t size,
                                           struct devmem_source* source);

void devmem_source_release(struct devmem_source* source);

/* Where the entry point must sit for a legacy scanner (dmidecode, biosdecode) to find it. */
#define DEVMEM_F_SEGMENT_START 0xF0000u
#define DEVMEM_F_SEGMENT_END 0x100000u
/* Where a table goes when it cannot stay where the firmware put it: just above the legacy
 * 1 MiB area, so it never collides with anything a scanner reads. */
#define DEVMEM_RELOCATED_TABLE_ADDRESS 0x100000u
/* Readers map the whole F segment; the image is never smaller. */
#define DEVMEM_IMAGE_MIN_SIZE 0x100000u
/* A higher placement means a corrupt systab, not a real firmware table. */
#define DEVMEM_IMAGE_SIZE_LIMIT (1ull << 36)

struct devmem_layout {
    uint64_t entry_point_addresses[1 + DEVMEM_MAX_EFI_ENTRY_POINTS];
    unsigned entry_point_count; /* [0] is the F-segment copy */
    uint64_t table_address;
    uint32_t table_size;
    int table_relocated;
    uint64_t image_size;
    /* The entry point as placed: table address, 3.x maximum size and checksums rewritten. */
    struct devmem_entry_point entry_point;
    /* ACPI, when the source has tables: an ACPI 2.0 RSDP in the F segment pointing at a
     * synthesized RSDT and XSDT that list every table except DSDT and FACS, which the FADT
     * copy points at instead. 0 addresses when there is no ACPI. */
    uint64_t rsdp_address;
    /* Copies of the RSDP where efi/systab says the firmware put it. */
    uint64_t efi_rsdp_addresses[DEVMEM_MAX_EFI_ENTRY_POINTS];
    unsigned efi_rsdp_count;
    uint64_t rsdt_address;
    uint64_t xsdt_address;
    uint64_t acpi_table_addresses[DEVMEM_MAX_ACPI_TABLES];
    uint8_t rsdp[DEVMEM_ACPI_RSDP_SIZE];
    uint8_t fadt[DEVMEM_ACPI_FADT_MAX_SIZE];
    uint8_t rsdt[36 + 4 * DEVMEM_MAX_ACPI_TABLES];
    uint8_t xsdt[36 + 8 * DEVMEM_MAX_ACPI_TABLES];
};

enum devmem_status devmem_plan_layout(const struct devmem_source* source,
                                      struct devmem_layout* layout);

/* Sizes fd to the layout and writes entry points and table; everything else reads as zeros. */
enum devmem_status devmem_write_image(int fd, const struct devmem_source* source,
                                      const struct devmem_layout* layout);

/* The memfd name of an image, by which a process recognises one inherited across exec. */
#define DEVMEM_IMAGE_MEMFD_NAME "devmem-image"

/* A sealed memfd holding the image: reads, mmaps and private mappings work, writes fail with
 * EPERM. Returns the fd (close-on-exec) or -1 with *status set. */
int devmem_create_image_memfd(const struct devmem_source* source,
                              const struct devmem_layout* layout, enum devmem_status* status);

/* A sealed memfd holding size bytes; how fixture mode serves sysfs files. Returns -1 on error. */
int devmem_create_sealed_memfd(const char* name, const void* bytes, size_t size);

/* The same in two steps, for a process that may fork while it builds: it records the empty
 * memfd at once, so that a child forked in between can close what it inherited. */
int devmem_create_memfd(const char* name); /* close-on-exec, sealable; -1 on error */
enum devmem_status devmem_fill_image_memfd(int fd, const struct devmem_source* source,
                                           const struct devmem_layout* layout);
enum devmem_status devmem_fill_sealed_memfd(int fd, const void* bytes, size_t size);

/* The errno open(2) gives for these flags on an existing device node before the device itself
 * is asked (O_DIRECTORY or O_TMPFILE: ENOTDIR; O_CREAT|O_EXCL: EEXIST), or 0. What a caller
 * gets for /dev/mem whether or not it is served. */
int devmem_open_flags_error(int flags);

/* The flags of a caller's open of /dev/mem that a reopen of the image through /proc/self/fd
 * keeps: the access mode, O_PATH (a path-only descriptor, as the device's would be), O_CLOEXEC,
 * O_NONBLOCK, O_SYNC and O_DSYNC. The rest mean nothing to a device, and O_NOFOLLOW would
 * refuse the /proc link. */
int devmem_reopen_flags(int flags);

#ifdef __cplusplus
}
#endif

#endif
