/* Copies physical memory with lseek + the read helper, as a read fallback where mmap is not
 * wanted. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "io.h"

unsigned char *copy_physical(unsigned long base, size_t length)
{
	unsigned char *p = malloc(length);
	int fd = open("/dev/mem", O_RDONLY); // CHECK: DM001

	if (p == NULL || fd < 0 || lseek(fd, (off_t)base, SEEK_SET) == -1 ||
	    read_fully(fd, p, length) != 0) { // CHECK: DM003 class=unknown
		free(p);
		p = NULL;
	}
	if (fd >= 0)
		close(fd);
	return p;
}
