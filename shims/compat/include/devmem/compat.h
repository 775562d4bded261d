/* libdevmem-compat: what a program that read firmware tables through /dev/mem links instead.
 *
 * The modern path only: every call builds the answer from /sys/firmware (the SMBIOS entry point
 * and table the kernel exports), never from the real /dev/mem, so the result is the same on a
 * locked-down guest and on an open machine. DEVMEM_SHIM_FIRMWARE (a /sys/firmware-like
 * directory) or DEVMEM_SHIM_DUMP (a dmidecode --dump-bin file) replace /sys/firmware, as for the
 * shim; setuid programs ignore both. Failures return -1 or NULL with errno set. */
#ifndef DEVMEM_COMPAT_H
#define DEVMEM_COMPAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* open(2) for /dev/mem: a descriptor of the synthetic physical-memory image (byte offset equals
 * physical address; entry point in the F segment, table where the firmware put it or at
 * 1 MiB), with its own file offset. read, pread, lseek and mmap work; write fails with EPERM.
 * /dev/port and /dev/kmem fail with EPERM, as under lockdown, and so does /dev/mem when the
 * firmware tables are missing or malformed. Any other path is opened with open(2). */
int devmem_compat_open(const char* path, int flags);

/* fopen(3) on top of devmem_compat_open. */
FILE* devmem_compat_fopen(const char* path, const char* mode);

#define DEVMEM_COMPAT_ENTRY_POINT_MAX 32

struct devmem_smbios {
    /* As the image has it: the table address is where the image places the table. */
    uint8_t entry_point[DEVMEM_COMPAT_ENTRY_POINT_MAX];
    size_t entry_point_size;
    uint8_t* table; /* malloc'd; release with devmem_compat_smbios_free */
    size_t table_size;
    uint64_t table_address;
    uint8_t major, minor;
};

/* The validated SMBIOS entry point and table. 0, or -1 with errno EPERM (missing or malformed
 * tables), ENOMEM or EFAULT (out is NULL). */
int devmem_compat_smbios(struct devmem_smbios* out);

void devmem_compat_smbios_free(struct devmem_smbios* smbios);

#ifdef __cplusplus
}
#endif

#endif
