/* Models an X-server-style video probe: a DEV_MEM macro from a shared header, redefined
 * with #undef/#define in one file. Checks: call sites of the read wrapper fold
 * Base+Offset and Len (option-rom, real-mode-low); the /dev/xsvc aperture is not a finding. */
#include <stdio.h>
#include <string.h>

#include "xf86_OSlib.h"

static unsigned char vbios[0x10000];

int main(void)
{
	unsigned char memsize[2];
	unsigned char *vga;

	if (xf86ReadBIOS(0xC0000, 0, vbios, 0x10000) != 0x10000) { // CHECK: DM003 range=0xc0000-0xcffff class=option-rom
		fprintf(stderr, "cannot read video BIOS\n");
		return 1;
	}
	if (vbios[0] != 0x55 || vbios[1] != 0xAA)
		fprintf(stderr, "no option ROM signature\n");

	/* Base memory size in KiB lives in the BIOS data area at 0x413. */
	if (xf86ReadBIOS(0x400, 0x13, memsize, 2) == 2) // CHECK: DM003 range=0x413-0x414 class=real-mode-low
		printf("base memory: %u KiB\n", memsize[0] | (memsize[1] << 8));

	vga = xf86MapAperture(0xA0000, 0x10000);
	if (vga != NULL)
		memset(vga, 0, 16);
	return 0;
}
