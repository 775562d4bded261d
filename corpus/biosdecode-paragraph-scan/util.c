/* mem_chunk(): copy a physical range out of the memory device named by the caller. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

void *mem_chunk(off_t base, size_t len, const char *devmem)
{
	int fd;
	void *map;
	void *copy;

	if ((fd = open(devmem, O_RDONLY)) == -1) { // CHECK: DM001
		perror(devmem);
		return NULL;
	}
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, base); // CHECK: DM002 class=unknown
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	copy = malloc(len);
	if (copy != NULL)
		memcpy(copy, map, len);
	munmap(map, len);
	return copy;
}
