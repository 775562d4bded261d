#ifndef BD_UTIL_H
#define BD_UTIL_H
#include <stddef.h>
#include <sys/types.h>
void *mem_chunk(off_t base, size_t len, const char *devmem);
#endif
