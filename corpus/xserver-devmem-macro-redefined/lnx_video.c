/* Linux flavour of the BIOS reader: DEV_MEM comes from the shared header (/dev/mem). */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "xf86_OSlib.h"

int xf86ReadBIOS(unsigned long Base, unsigned long Offset, unsigned char *Buf, int Len)
{
	int fd;
	int n;

	if ((fd = open(DEV_MEM, O_RDONLY)) < 0) { // CHECK: DM001
		fprintf(stderr, "xf86ReadBIOS: Failed to open %s\n", DEV_MEM);
		return -1;
	}
	if (lseek(fd, (off_t)(Base + Offset), SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	n = (int)read(fd, Buf, (size_t)Len); // CHECK: DM003 class=unknown
	close(fd);
	return n;
}
