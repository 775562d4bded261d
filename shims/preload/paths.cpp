#include "paths.hpp"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

namespace devmem::shim {

namespace {

struct KnownPath {
    const char* path;
    Target target;
};

constexpr KnownPath known_paths[] = {
    {"/dev/mem", Target::mem},
    {"/dev/port", Target::port},
    {"/dev/kmem", Target::kmem},
    {"/sys/firmware/dmi/tables/smbios_entry_point", Target::sysfs_entry_point},
    {"/sys/firmware/dmi/tables/DMI", Target::sysfs_table},
    {"/sys/firmware/efi/systab", Target::efi_systab},
    {"/proc/efi/systab", Target::efi_systab},
};

const char* last_component(const char* path) {
    const char* slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

constexpr char acpi_tables[] = "/sys/firmware/acpi/tables";

// Any spelling of a path at or below acpi/tables has a component "tables".
bool may_name_a_target(const char* path) {
    const char* name = last_component(path);
    for (const KnownPath& known : known_paths)
        if (strcmp(name, last_component(known.path)) == 0)
            return true;
    return strstr(path, "tables") != nullptr;
}

// The rest of an absolute normalised path below acpi/tables ("" or "/X..."), or nullptr.
const char* below_acpi_tables(const char* absolute) {
    size_t n = sizeof acpi_tables - 1;
    // The analyzer loses the terminator through append_normalised(); strncmp matched n bytes
    // that are not NUL, so absolute[n] lies within the string.
    // NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult)
    if (strncmp(absolute, acpi_tables, n) != 0 || (absolute[n] != '\0' && absolute[n] != '/'))
        return nullptr;
    return absolute + n;
}

bool directory_of(int dirfd, char* out, size_t size) {
    if (dirfd == AT_FDCWD)
        return getcwd(out, size) != nullptr;
    ssize_t n = readlink(ProcFdPath(dirfd).text, out, size - 1);
    if (n <= 0)
        return false;
    out[n] = '\0';
    return true;
}

void drop_last_component(char* out, size_t* len) {
    while (*len > 0 && out[*len - 1] != '/')
        --*len;
    if (*len > 0)
        --*len;
}

// Appends the components of `path` to the absolute path in out (length *len), resolving "."
// and ".." lexically and collapsing repeated slashes.
bool append_normalised(char* out, size_t* len, size_t size, const char* path) {
    while (*path) {
        while (*path == '/')
            ++path;
        size_t n = strcspn(path, "/");
        bool up = n == 2 && path[0] == '.' && path[1] == '.';
        bool stay = n == 0 || (n == 1 && path[0] == '.');
        if (up) {
            drop_last_component(out, len);
        } else if (!stay) {
            if (*len + 1 + n >= size)
                return false;
            out[(*len)++] = '/';
            memcpy(out + *len, path, n);
            *len += n;
        }
        path += n;
    }
    out[*len] = '\0';
    return true;
}

bool absolute_normalised(int dirfd, const char* path, char* out, size_t size) {
    size_t len = 0;
    out[0] = '\0';
    if (path[0] != '/') {
        char base[PATH_MAX];
        if (!directory_of(dirfd, base, sizeof base) || !append_normalised(out, &len, size, base))
            return false;
    }
    return append_normalised(out, &len, size, path);
}

} // namespace

Target classify(int dirfd, const char* path) {
    if (!path || !may_name_a_target(path))
        return Target::none;
    int saved_errno = errno;
    char absolute[PATH_MAX];
    Target target = Target::none;
    if (absolute_normalised(dirfd, path, absolute, sizeof absolute)) {
        for (const KnownPath& known : known_paths)
            if (strcmp(absolute, known.path) == 0)
                target = known.target;
        if (below_acpi_tables(absolute))
            target = Target::acpi_tables;
    }
    errno = saved_errno;
    return target;
}

bool fixture_path(const char* firmware, Target target, int dirfd, const char* path, char* out,
                  size_t size) {
    int n = -1;
    char absolute[PATH_MAX];
    if (target == Target::efi_systab)
        n = snprintf(out, size, "%s/efi/systab", firmware);
    else if (target == Target::acpi_tables &&
             absolute_normalised(dirfd, path, absolute, sizeof absolute) &&
             below_acpi_tables(absolute))
        n = snprintf(out, size, "%s/acpi/tables%s", firmware, below_acpi_tables(absolute));
    return n > 0 && size_t(n) < size;
}

ProcFdPath::ProcFdPath(int fd) {
    // 14 characters of prefix and at most 11 of an int always fit.
    (void)snprintf(text, sizeof text, "/proc/self/fd/%d", fd);
}

bool is_sysfs(Target target) {
    return target == Target::sysfs_entry_point || target == Target::sysfs_table ||
           is_redirected(target);
}

bool is_redirected(Target target) {
    return target == Target::efi_systab || target == Target::acpi_tables;
}

} // namespace devmem::shim
