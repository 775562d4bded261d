#ifndef UTIL_H
#define UTIL_H
#include <stddef.h>
#include <sys/types.h>
#define DEFAULT_MEM_DEV "/dev/mem"
struct opt {
	const char *devmem;
	int quiet;
};
extern struct opt opt;
void *mem_chunk(off_t base, size_t len, const char *devmem);
int vpd_scan(void);
int ownership_scan(void);
#endif
