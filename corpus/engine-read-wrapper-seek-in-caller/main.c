/* Models dmidecode's mem_chunk read fallback: the seek is in copy_physical, the read in a helper
 * it calls, so the range is known only by joining the two.
 * Checks: DM003 with the BIOS-area range at the call below. */
#include <stdio.h>
#include <stdlib.h>

#include "io.h"

int main(void)
{
	unsigned char *bios = copy_physical(0xF0000, 0x10000); // CHECK: DM003 range=0xf0000-0xfffff class=bios-area

	if (bios == NULL)
		return 1;
	printf("%02x\n", bios[0xFFF0]);
	free(bios);
	return 0;
}
