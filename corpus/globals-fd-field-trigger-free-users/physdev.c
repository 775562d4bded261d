/* The open helpers: each keeps the descriptor and returns a status. */
#include <fcntl.h>

#include "physdev.h"

int g_physfd = -1;
struct phys_dev g_vga;

int phys_open(void)
{
	g_physfd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	return g_physfd < 0 ? -1 : 0;
}

int vga_open(struct phys_dev *dev)
{
	dev->fd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	dev->base = 0xA0000;
	return dev->fd < 0 ? -1 : 0;
}
