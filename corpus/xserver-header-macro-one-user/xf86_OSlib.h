/* The OS layer's shared header, included by every file of the program, as the X server's
 * xf86_OSlib.h is by some 45 files of which a handful open DEV_MEM. */
#ifndef XF86_OSLIB_H
#define XF86_OSLIB_H

#include <fcntl.h>
#include <unistd.h>

#ifndef DEV_MEM
#define DEV_MEM "/dev/mem"
#endif
#define BIOS_DEVICE DEV_MEM

/* Never called by this program: found only because some unit including the header is parsed. */
static inline int xf86OpenBIOS(void)
{
	return open(BIOS_DEVICE, O_RDONLY); // CHECK: DM001
}

#endif
