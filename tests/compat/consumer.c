/* A program ported off /dev/mem: built by compat_e2e.py against an installed libdevmem-compat.
 * usage: consumer OUTDIR: writes entry-point.bin and table.bin (devmem_compat_smbios) and
 * mem.bin (the whole of /dev/mem through devmem_compat_fopen). */
#include <devmem/compat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int write_file(const char* dir, const char* name, const void* bytes, size_t size) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE* out = fopen(path, "wb");
    int ok = out && fwrite(bytes, 1, size, out) == size;
    return (out && fclose(out) == 0 && ok) ? 0 : -1;
}

static int copy_memory(const char* dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/mem.bin", dir);
    FILE* in = devmem_compat_fopen("/dev/mem", "rb");
    if (!in) {
        fprintf(stderr, "consumer: /dev/mem: %s\n", strerror(errno));
        return -1;
    }
    FILE* out = fopen(path, "wb");
    char buffer[65536];
    size_t n;
    while (out && (n = fread(buffer, 1, sizeof buffer, in)) > 0)
        fwrite(buffer, 1, n, out);
    fclose(in);
    return out && fclose(out) == 0 ? 0 : -1;
}

int main(int argc, char** argv) {
    struct devmem_smbios smbios;
    if (argc != 2)
        return 2;
    if (devmem_compat_smbios(&smbios) != 0) {
        fprintf(stderr, "consumer: SMBIOS: %s\n", strerror(errno));
        return 1;
    }
    int status =
        write_file(argv[1], "entry-point.bin", smbios.entry_point, smbios.entry_point_size) |
        write_file(argv[1], "table.bin", smbios.table, smbios.table_size) | copy_memory(argv[1]);
    printf("SMBIOS %u.%u, table of %zu bytes at 0x%llx\n", smbios.major, smbios.minor,
           smbios.table_size, (unsigned long long)smbios.table_address);
    devmem_compat_smbios_free(&smbios);
    return status ? 1 : 0;
}
