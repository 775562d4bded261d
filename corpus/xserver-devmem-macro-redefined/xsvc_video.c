/* Aperture mapping through the pass-through driver: this file redefines DEV_MEM locally,
 * so the open and the map below go to /dev/xsvc and are not findings. */
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xf86_OSlib.h"

#undef DEV_MEM
#define DEV_MEM "/dev/xsvc"

void *xf86MapAperture(unsigned long Base, unsigned long Size)
{
	int fd;
	void *p;

	fd = open(DEV_MEM, O_RDWR);
	if (fd < 0)
		return NULL;
	p = mmap(NULL, Size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)Base);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}
