/* Board-enable quirks: a direct physmap call with a constant range to peek at the DMI anchor. */
#include <string.h>

#include "programmer.h"

int board_has_legacy_dmi(void)
{
	const char *bios = physmap("legacy BIOS area", 0xF0000, 0x10000); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area
	int found = 0;
	unsigned int off;

	if (bios == NULL)
		return 0;
	for (off = 0; off < 0x10000 && !found; off += 16)
		found = memcmp(bios + off, "_DMI_", 5) == 0; // CHECK: DM005
	physunmap((void *)bios, 0x10000);
	return found;
}
