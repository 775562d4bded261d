/* Models a tree where one shared header defines the device path and most of its includers never
 * use it. Checks: the file that spells DEV_MEM is analysed (open and read of the BIOS area), the
 * one that only uses a macro defined in terms of it too (vga_save.c), and the header's own
 * function is found though no file calls it; console.c includes the header and has nothing. */
#include <stdio.h>

#include "xf86_OSlib.h"

int main(void)
{
	unsigned char entry[16];
	int fd = open(DEV_MEM, O_RDONLY); // CHECK: DM001

	if (fd < 0)
		return 1;
	if (pread(fd, entry, sizeof entry, 0xF0000) != (ssize_t)sizeof entry) { // CHECK: DM003 range=0xf0000-0xf000f class=bios-area
		close(fd);
		return 1;
	}
	printf("first bytes of the BIOS area: %.4s\n", (const char *)entry);
	close(fd);
	return 0;
}
