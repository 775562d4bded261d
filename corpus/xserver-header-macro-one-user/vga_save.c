/* Reaches the device only through BIOS_DEVICE, a macro defined in terms of DEV_MEM. */
#include "xf86_OSlib.h"

int vga_save(unsigned char *buffer, unsigned long length)
{
	int fd = open(BIOS_DEVICE, O_RDONLY); // CHECK: DM001
	ssize_t done;

	if (fd < 0)
		return -1;
	done = pread(fd, buffer, length, 0xA0000); // CHECK: DM003 class=unknown
	close(fd);
	return done < 0 ? -1 : 0;
}
