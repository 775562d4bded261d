/* Maps the VGA window through the descriptor kept in the device struct. */
#include <stddef.h>
#include <sys/mman.h>

#include "physdev.h"

void *vga_window(const struct phys_dev *dev)
{
	void *window = mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, dev->fd, 0xA0000); // CHECK: DM002 range=0xa0000-0xaffff class=vga-hole
	return window == MAP_FAILED ? NULL : window;
}
