/* IBM-style VPD lookup: a second file calling mem_chunk with a constant range. */
#include <stdlib.h>
#include <string.h>

#include "util.h"

int vpd_scan(void)
{
	unsigned char *buf = mem_chunk(0xF0000, 0x10000, opt.devmem); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area
	unsigned int off;
	int found = 0;

	if (buf == NULL)
		return 0;
	for (off = 0; off + 48 <= 0x10000; off += 16)
		if (memcmp(buf + off, "\xAA\x55VPD", 5) == 0)
			found = 1;
	free(buf);
	return found;
}
