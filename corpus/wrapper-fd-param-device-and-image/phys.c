/* phys_pread(): positional read of a caller-chosen range from a caller-supplied descriptor. */
#include <unistd.h>

#include "phys.h"

ssize_t phys_pread(int fd, void *buf, size_t len, off_t phys)
{
	return pread(fd, buf, len, phys); // CHECK: DM003 class=unknown
}
