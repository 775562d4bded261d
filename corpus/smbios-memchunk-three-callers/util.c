/* Shared mem_chunk(): page-aligned map of a caller-chosen range, copied out. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

void *mem_chunk(off_t base, size_t len, const char *devmem)
{
	long pagesz = sysconf(_SC_PAGESIZE);
	off_t delta = base % pagesz;
	unsigned char *map;
	void *p = NULL;
	int fd;

	if ((fd = open(devmem, O_RDONLY)) == -1) // CHECK: DM001
		return NULL;
	map = mmap(NULL, (size_t)delta + len, PROT_READ, MAP_SHARED, fd, base - delta); // CHECK: DM002 class=unknown
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	p = malloc(len);
	if (p != NULL)
		memcpy(p, map + delta, len);
	munmap(map, (size_t)delta + len);
	return p;
}
