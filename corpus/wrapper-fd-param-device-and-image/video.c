/* A second caller of the wrapper, in its own file, with a constant text-buffer range. */
#include "phys.h"

int probe_vga_text(int fd)
{
	unsigned char cell[2];

	if (phys_pread(fd, cell, sizeof(cell), 0xB8000) != (ssize_t)sizeof(cell)) // CHECK: DM003 range=0xb8000-0xb8001 class=vga-hole
		return 0;
	return cell[1] != 0;
}
