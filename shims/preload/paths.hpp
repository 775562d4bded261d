// Recognising the files the shim answers for, however a program spells their paths.
#pragma once

namespace devmem::shim {

enum class Target {
    none,
    mem,
    port,
    kmem,
    sysfs_entry_point, // /sys/firmware/dmi/tables/smbios_entry_point
    sysfs_table,       // /sys/firmware/dmi/tables/DMI
    efi_systab,        // /sys/firmware/efi/systab (and the older /proc/efi/systab)
};

// Lexical: `//dev/mem`, `/dev/./mem`, `/dev/../dev/mem`, `mem` relative to a dirfd or working
// directory on /dev. Only a path whose last component names a target costs a syscall (to find
// the directory a relative path starts from); every other path is rejected by string compares.
// Preserves errno.
Target classify(int dirfd, const char* path);

bool is_sysfs(Target target);

// "/proc/self/fd/N": how the shim names a descriptor to reopen or resolve it.
struct ProcFdPath {
    char text[32];
    explicit ProcFdPath(int fd);
};

} // namespace devmem::shim
