/* Models a tree where only one file names the device (physmem.c): this file and vbios.c are
 * found only through the wrappers learned from it, as a text search for /dev/mem cannot.
 * Checks: DM002 at both call sites here, with their constant ranges. */
#include <stdio.h>

#include "physmem.h"

int main(void)
{
	unsigned char *rom = video_bios(0); // CHECK: DM002 range=0xc0000-0xc7fff class=option-rom
	unsigned char *text = map_physical(0xB8000, 0x1000); // CHECK: DM002 range=0xb8000-0xb8fff class=vga-hole

	if (rom == NULL || text == NULL)
		return 1;
	printf("%02x%02x %c\n", rom[0], rom[1], text[0]);
	return 0;
}
