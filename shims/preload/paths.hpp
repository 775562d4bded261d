// Recognising the files the shim answers for, however a program spells their paths.
#pragma once

#include <stddef.h>

namespace devmem::shim {

enum class Target {
    none,
    mem,
    port,
    kmem,
    sysfs_entry_point, // /sys/firmware/dmi/tables/smbios_entry_point
    sysfs_table,       // /sys/firmware/dmi/tables/DMI
    efi_systab,        // /sys/firmware/efi/systab (and the older /proc/efi/systab)
    acpi_tables,       // /sys/firmware/acpi/tables and everything below it
};

// Lexical: `//dev/mem`, `/dev/./mem`, `/dev/../dev/mem`, `mem` relative to a dirfd or working
// directory on /dev. Only a relative path whose last component names a target, or that
// contains "tables", costs a syscall (to find the directory it starts from); every other path
// is rejected by string compares. Preserves errno.
Target classify(int dirfd, const char* path);

bool is_sysfs(Target target);

// The sysfs targets a fixture directory answers for with a file of its own, at the same place.
bool is_redirected(Target target);

// Where the fixture directory `firmware` keeps what a redirected target names: DIR/efi/systab,
// or DIR/acpi/tables/X for /sys/firmware/acpi/tables/X. False when that does not fit in size.
bool fixture_path(const char* firmware, Target target, int dirfd, const char* path, char* out,
                  size_t size);

// "/proc/self/fd/N": how the shim names a descriptor to reopen or resolve it.
struct ProcFdPath {
    char text[32];
    explicit ProcFdPath(int fd);
};

} // namespace devmem::shim
