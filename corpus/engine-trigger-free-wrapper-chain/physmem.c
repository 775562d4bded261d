/* The only file of this program that names /dev/mem: a mapping wrapper. */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "physmem.h"

void *map_physical(unsigned long base, unsigned long length)
{
	int fd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	void *p;

	if (fd < 0)
		return MAP_FAILED;
	p = mmap(0, length, PROT_READ, MAP_SHARED, fd, base); // CHECK: DM002 class=unknown
	close(fd);
	return p;
}
