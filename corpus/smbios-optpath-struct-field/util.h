#ifndef DMI_UTIL_H
#define DMI_UTIL_H
#include <stddef.h>
#include <sys/types.h>

void *mem_chunk(off_t base, size_t len, const char *devmem);
void *read_file(off_t base, size_t *len, const char *filename);

#endif
