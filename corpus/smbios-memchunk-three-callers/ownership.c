/* Compaq-style ownership tag lookup: a third caller, with the system ROM copy at 0xE0000. */
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

int ownership_scan(void)
{
	unsigned char *buf = mem_chunk(0xE0000, 0x10000, opt.devmem); // CHECK: DM002 range=0xe0000-0xeffff class=acpi-rsdp-window
	int ok;

	if (buf == NULL)
		return 0;
	ok = buf[0] != 0xFF;
	free(buf);
	return ok;
}
